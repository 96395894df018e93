import { describe, expect, it } from 'vitest';
import {
  bigramBucket,
  bucketCount,
  createExtractor,
  type FeatureSpec,
  wordBucket,
  wordsOnly,
  wordValue,
} from '../../../lib/sentiment/features.ts';
import {
  fromArtifact,
  type ModelArtifact,
  NUM_CLASSES,
  packWeights,
} from '../../../lib/sentiment/model.ts';
import { tokenHashes, tokenize } from '../../../lib/sentiment/normalize.ts';
import artifactJson from '../../../models/sentiment-id.json' with { type: 'json' };

const shipped = artifactJson as unknown as ModelArtifact;

/** The shipped model rewritten in the dense format 1 (every bucket a row). */
function denseCopy(a: ModelArtifact): ModelArtifact {
  const mask = Buffer.from(a.rowMask ?? '', 'base64');
  const rows = new Int8Array(Buffer.from(a.weights, 'base64'));
  const dense = new Int8Array(bucketCount(a.features) * NUM_CLASSES);
  let k = 0;
  for (let b = 0; b < bucketCount(a.features); b++) {
    if (((mask[b >> 3] as number) & (1 << (b & 7))) === 0) continue;
    for (let c = 0; c < NUM_CLASSES; c++) dense[b * NUM_CLASSES + c] = rows[k++] as number;
  }
  const { rowMask: _drop, ...rest } = a;
  return {
    ...rest,
    format: 'pantau-sentiment-linear/1',
    weights: Buffer.from(dense.buffer).toString('base64'),
  };
}

describe('sparse model format (pantau-sentiment-linear/2)', () => {
  it('packs only the non-zero rows and scores exactly like the dense table', () => {
    const dense = new Int8Array(16 * NUM_CLASSES);
    dense.set([1, 0, -2], 3 * NUM_CLASSES);
    dense.set([0, 0, 5], 10 * NUM_CLASSES);
    const { rowMask, rows } = packWeights(dense);
    expect(Array.from(rows)).toEqual([1, 0, -2, 0, 0, 5]);
    expect(Array.from(rowMask)).toEqual([0b0000_1000, 0b0000_0100]);
  });

  it('gives the shipped model the same probabilities as its dense rewrite, before and after expansion', () => {
    expect(shipped.format).toBe('pantau-sentiment-linear/2');
    const texts = [
      'jalan rusak parah, pemda ke mana',
      'terima kasih, bansos cair tepat waktu',
      'jadwal ppdb dibuka senin',
      'harga beras naik lagi, rakyat makin susah #BBMNaik @pemkot https://t.co/x',
    ];
    const dense = fromArtifact(denseCopy(shipped));
    const want = texts.map((t) => Array.from(dense.predict(t)));
    // expandAfter 2: the first two predictions read rows through the rank index, the rest read
    // the expanded dense table.
    const sparse = fromArtifact(shipped, 2);
    const got = [...texts, ...texts].map((t) => Array.from(sparse.predict(t)));
    expect(got).toEqual([...want, ...want]);
  });

  it('scores already tokenized text (predictTokenized) exactly as predict does', () => {
    const texts = [
      'harga beras naik lagi, rakyat makin susah 😡',
      'Alhamdulillah bansos sdh cair, makasih pak :)',
      'ok',
      '',
      'gak bagus bgt pelayanannya #KecewaBerat https://t.co/x',
    ];
    // Before (rank index) and after (dense table, rows summed from the token hashes) expansion.
    const a = fromArtifact(shipped, 3);
    const b = fromArtifact(shipped, 3);
    for (let pass = 0; pass < 2; pass++) {
      for (const text of texts) {
        const want = Array.from(a.predict(text));
        const got = Array.from(b.predictTokenized(tokenize(text)));
        expect(got).toEqual(want);
        expect(b.lastTokens()).toEqual(a.lastTokens());
      }
    }
  });

  it("finds the shipped model's features from the token hashes as extract does", () => {
    const spec = shipped.features;
    expect(wordsOnly(spec)).toBe(true);
    const { extract } = createExtractor(spec);
    const shift = 32 - spec.bits;
    for (const text of [
      'harga beras naik lagi',
      'tidak bagus',
      'ok',
      'gak ada uang 😡 #BansosTelat',
    ]) {
      const f = extract(text);
      const h = tokenHashes();
      const n = f.tokens.length;
      const idx = [
        ...f.tokens.map((_, i) => wordBucket(h[i] as number, shift)),
        ...f.tokens.slice(1).map((_, i) => bigramBucket(h[i] as number, h[i + 1] as number, shift)),
      ];
      expect(Array.from(f.idx.subarray(0, f.length))).toEqual(idx);
      expect(Array.from(f.val.subarray(0, f.length))).toEqual(
        new Array(f.length).fill(wordValue(n > 1 ? 2 * n - 1 : n)),
      );
    }
    expect(wordsOnly({ ...spec, charMaxN: 4 })).toBe(false);
    expect(wordsOnly({ ...spec, ngramWeight: 0.5 })).toBe(false);
  });

  it('rejects a row mask that does not match the weights or the bucket count', () => {
    const oneRowMore = Buffer.from(shipped.rowMask ?? '', 'base64');
    const first = oneRowMore.findIndex((b) => b !== 0xff);
    // b | (b + 1) sets the lowest clear bit: one more row than there are weights for.
    oneRowMore[first] = (oneRowMore[first] as number) | ((oneRowMore[first] as number) + 1);
    expect(() => fromArtifact({ ...shipped, rowMask: oneRowMore.toString('base64') })).toThrow(
      /weights, expected/,
    );
    expect(() => fromArtifact({ ...shipped, rowMask: 'AAAA' })).toThrow(/row mask has 3 bytes/);
    expect(() => fromArtifact({ ...shipped, rowMask: undefined })).toThrow(/row mask/);
  });
});

describe('feature extraction', () => {
  const base: FeatureSpec = { bits: 10, wordMaxN: 2, charMinN: 0, charMaxN: 0, charLimit: 1200 };

  it('adds one trigram per three consecutive tokens', () => {
    const text = 'harga beras naik lagi';
    const two = createExtractor(base).extract(text);
    const n = two.tokens.length;
    const bigramCount = two.length;
    expect(bigramCount).toBe(n + (n - 1));
    expect(createExtractor({ ...base, wordMaxN: 3 }).extract(text).length).toBe(
      bigramCount + (n - 2),
    );
  });

  it('scales word n-gram values by ngramWeight and leaves unigrams alone', () => {
    const text = 'harga beras naik lagi';
    const plain = createExtractor(base).extract(text);
    const n = plain.tokens.length;
    const unigram = plain.val[0] as number;
    const f = createExtractor({ ...base, ngramWeight: 0.5 }).extract(text);
    expect(Array.from(f.val.subarray(0, n))).toEqual(new Array(n).fill(unigram));
    for (const v of f.val.subarray(n, f.length)) expect(v).toBeCloseTo(unigram * 0.5, 6);
  });

  it('keeps character n-grams in their own space after the word buckets when charBits is set', () => {
    const spec: FeatureSpec = { ...base, charMinN: 2, charMaxN: 3, charBits: 8, charWeight: 0.5 };
    expect(bucketCount(spec)).toBe(1024 + 256);
    const f = createExtractor(spec).extract('jalan rusak');
    const words = f.tokens.length * 2 - 1;
    const idx = Array.from(f.idx.subarray(0, f.length));
    expect(idx.slice(0, words).every((j) => j < 1024)).toBe(true);
    expect(idx.slice(words).every((j) => j >= 1024 && j < 1024 + 256)).toBe(true);
    // Each block is L2-normalised on its own; the character block is then scaled by charWeight.
    const val = Array.from(f.val.subarray(0, f.length));
    const norm = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + x * x, 0));
    expect(norm(val.slice(0, words))).toBeCloseTo(1, 5);
    expect(norm(val.slice(words))).toBeCloseTo(0.5, 5);
  });
});
