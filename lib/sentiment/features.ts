/**
 * Hashed word and character n-gram features. Hashing keeps the model a fixed, small array with no
 * vocabulary to ship or look up, and lets unseen spellings share character n-grams with known ones.
 */
import { NEG_PREFIX, tokenHashes, tokenize } from './normalize.ts';

interface FeatureSpec {
  /** log2 of the number of hash buckets. */
  bits: number;
  /** Longest word n-gram (1 = unigrams only). */
  wordMaxN: number;
  /** Character n-gram sizes; charMaxN 0 turns character n-grams off (the shipped model's choice). */
  charMinN: number;
  charMaxN: number;
  /** Characters of the normalised text used for character n-grams; bounds cost on long articles. */
  charLimit: number;
  /**
   * log2 of a separate hash space for character n-grams, placed after the word buckets, so
   * characters never collide with words. Absent: characters share the word buckets.
   */
  charBits?: number;
  /** Multiplies the character block's values (it is L2-normalised on its own); default 1. */
  charWeight?: number;
  /** Multiplies the values of word n-grams longer than one word; default 1. */
  ngramWeight?: number;
}

/** Number of weight rows (buckets) a spec needs: the word space plus any own character space. */
function bucketCount(spec: FeatureSpec): number {
  return (1 << spec.bits) + (spec.charBits ? 1 << spec.charBits : 0);
}

interface Features {
  /** Bucket indices; only the first `length` entries are valid. */
  idx: Int32Array;
  val: Float32Array;
  length: number;
  /** The normalised tokens the features came from (reused by the next call, like idx/val). */
  tokens: readonly string[];
}

/*
 * The hashing constants are locals of each function that uses them, not module-level: esbuild
 * (which builds the Lambda) turns top-level `const` into `var`, and V8 then re-reads such a value
 * from a mutable slot in every loop instead of folding it in (issue #3). createExtractor,
 * wordBucket and bigramBucket must agree on them; the golden check and the model-format tests
 * compare their buckets.
 */

function createExtractor(spec: FeatureSpec) {
  const NEG_CODE = NEG_PREFIX.charCodeAt(0);
  const BIGRAM_SEED = 0x85ebca6b | 0;
  const CHAR_SEED = 0xc2b2ae35 | 0;
  const TRIGRAM_SEED = 0x27d4eb2f | 0;
  const FNV_PRIME = 0x01000193;
  /** Fibonacci hashing: the top bits of one multiply are well mixed, and cost one instruction. */
  const GOLDEN = 0x9e3779b1 | 0;
  // Imported binding copied: read once per token below.
  const hashesOf = tokenHashes;
  const tokensOf = tokenize;
  const shift = 32 - spec.bits;
  const charShift = 32 - (spec.charBits ?? spec.bits);
  const charOffset = spec.charBits ? 1 << spec.bits : 0;
  let idx = new Int32Array(4096);
  let val = new Float32Array(4096);

  function ensure(n: number): void {
    if (n <= idx.length) return;
    let size = idx.length;
    while (size < n) size *= 2;
    idx = new Int32Array(size);
    val = new Float32Array(size);
  }

  /**
   * Features of one text. The returned arrays are reused by the next call: copy them if you keep
   * them (the trainer does).
   */
  function extract(text: string): Features {
    return extractTokenized(tokensOf(text));
  }

  /**
   * Features of `tokens`, which must be what the last `tokenize` call returned (the feature hashes
   * come from that call's `tokenHashes()`): the router tokenizes a post once for language ID and
   * scoring. Same reuse rule as `extract`.
   */
  function extractTokenized(tokens: readonly string[]): Features {
    let plain = '';
    if (spec.charMaxN > 0) {
      plain = ' ';
      for (const t of tokens) plain += `${t.charCodeAt(0) === NEG_CODE ? t.slice(1) : t} `;
      if (plain.length > spec.charLimit) plain = plain.slice(0, spec.charLimit);
    }

    const nWord = tokens.length * spec.wordMaxN;
    const nChar = plain.length * Math.max(0, spec.charMaxN - spec.charMinN + 1);
    ensure(nWord + nChar + 1);
    let n = 0;

    // The tokenizer's word hashes (normalize.ts wordHash), valid until the next tokenize call.
    const wordHashes = hashesOf();
    for (let i = 0; i < tokens.length; i++) {
      idx[n++] = Math.imul(wordHashes[i] as number, GOLDEN) >>> shift;
    }
    if (spec.wordMaxN >= 2) {
      for (let i = 1; i < tokens.length; i++) {
        const h =
          Math.imul((wordHashes[i - 1] as number) ^ BIGRAM_SEED, FNV_PRIME) ^
          (wordHashes[i] as number);
        idx[n++] = Math.imul(Math.imul(h, FNV_PRIME), GOLDEN) >>> shift;
      }
    }
    if (spec.wordMaxN >= 3) {
      for (let i = 2; i < tokens.length; i++) {
        const h =
          Math.imul(
            Math.imul((wordHashes[i - 2] as number) ^ TRIGRAM_SEED, FNV_PRIME) ^
              (wordHashes[i - 1] as number),
            FNV_PRIME,
          ) ^ (wordHashes[i] as number);
        idx[n++] = Math.imul(Math.imul(h, FNV_PRIME), GOLDEN) >>> shift;
      }
    }
    const wordCount = n;

    const len = plain.length;
    for (let i = 0; i < len; i++) {
      let h = CHAR_SEED;
      for (let k = 0; k < spec.charMaxN && i + k < len; k++) {
        h ^= plain.charCodeAt(i + k);
        h = Math.imul(h, FNV_PRIME);
        if (k + 1 >= spec.charMinN) idx[n++] = charOffset + (Math.imul(h, GOLDEN) >>> charShift);
      }
    }
    const charCount = n - wordCount;

    // Each block is L2-normalised on its own so long texts' many character n-grams do not drown
    // the word features.
    const wv = wordCount > 0 ? 1 / Math.sqrt(wordCount) : 0;
    const cv = charCount > 0 ? (spec.charWeight ?? 1) / Math.sqrt(charCount) : 0;
    val.fill(wv, 0, wordCount);
    if (spec.ngramWeight !== undefined && spec.ngramWeight !== 1) {
      val.fill(wv * spec.ngramWeight, tokens.length, wordCount);
    }
    val.fill(cv, wordCount, n);
    return { idx, val, length: n, tokens };
  }

  return { extract, extractTokenized };
}

/**
 * Whether a spec's features are exactly the word unigrams and bigrams, all of one value (the
 * shipped model's): then `wordBucket` and `bigramBucket` give every feature and the model can sum
 * its rows straight from the token hashes (model.ts), without filling `idx` and `val`.
 */
function wordsOnly(spec: FeatureSpec): boolean {
  return spec.charMaxN === 0 && spec.wordMaxN === 2 && (spec.ngramWeight ?? 1) === 1;
}

/** The bucket `extract` gives a unigram whose word hash is `h`, with `shift` = 32 - bits. */
function wordBucket(h: number, shift: number): number {
  const GOLDEN = 0x9e3779b1 | 0;
  return Math.imul(h, GOLDEN) >>> shift;
}

/** The bucket `extract` gives the bigram of word hashes `h1`, `h2`. */
function bigramBucket(h1: number, h2: number, shift: number): number {
  const BIGRAM_SEED = 0x85ebca6b | 0;
  const FNV_PRIME = 0x01000193;
  const GOLDEN = 0x9e3779b1 | 0;
  const h = Math.imul(h1 ^ BIGRAM_SEED, FNV_PRIME) ^ h2;
  return Math.imul(Math.imul(h, FNV_PRIME), GOLDEN) >>> shift;
}

/** The value `extract` gives each of `count` word features: 1/sqrt(count), stored as float32. */
function wordValue(count: number): number {
  return Math.fround(count > 0 ? 1 / Math.sqrt(count) : 0);
}

export type { FeatureSpec, Features };
export { bigramBucket, bucketCount, createExtractor, wordBucket, wordsOnly, wordValue };
