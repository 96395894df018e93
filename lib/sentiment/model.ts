/**
 * The built-in model: multinomial logistic regression over hashed features, weights quantised to
 * int8 and stored base64 in one JSON artifact (models/sentiment-id.json) with its manifest.
 */
import { ValidationError } from '../domain/errors.ts';
import {
  bigramBucket,
  bucketCount,
  createExtractor,
  type FeatureSpec,
  type Features,
  wordBucket,
  wordsOnly,
  wordValue,
} from './features.ts';
import { tokenHashes, tokenize } from './normalize.ts';

/** Classes the built-in model predicts, in weight order. It never predicts MIXED. */
const MODEL_LABELS = ['NEGATIVE', 'NEUTRAL', 'POSITIVE'] as const;
type ModelLabel = (typeof MODEL_LABELS)[number];
const NUM_CLASSES = MODEL_LABELS.length;

interface DatasetEntry {
  name: string;
  files: string[];
  sha256: string;
  rows: number;
  licence: string;
  citation: string;
}

interface ModelManifest {
  name: string;
  version: string;
  seed: number;
  datasets: DatasetEntry[];
  devSplit: string;
  hyperparameters: Record<string, number | string | boolean>;
  weightsSha256: string;
}

/**
 * Format 2 stores only the buckets with a non-zero weight: with 2^20 buckets about five in six
 * are all zero after int8 quantisation (never seen in training, or too small to survive), and a
 * dense table would be 4 MB of base64 that every cold start decodes.
 */
interface ModelArtifact {
  format: 'pantau-sentiment-linear/1' | 'pantau-sentiment-linear/2';
  manifest: ModelManifest;
  labels: readonly string[];
  features: FeatureSpec;
  bias: number[];
  /** Multiply an int8 weight by this to get the float weight. */
  scale: number;
  /**
   * base64 of Int8Array, `[row * NUM_CLASSES + class]`. Format 1: every bucket is a row.
   * Format 2: only the buckets set in `rowMask`, in bucket order.
   */
  weights: string;
  /** Format 2: base64 bitmap, bit `b & 7` of byte `b >> 3` set when bucket b has a row. */
  rowMask?: string;
}

interface LinearModel {
  version: string;
  manifest: ModelManifest;
  /**
   * Class probabilities in MODEL_LABELS order. The array is reused by the next call: copy it if
   * you keep it.
   */
  predict(text: string): Float64Array;
  /**
   * `predict` for a text already tokenized: `tokens` must be what the last `tokenize` call
   * returned (normalize.ts), so its token hashes are still at hand. Same probabilities, same
   * reused array.
   */
  predictTokenized(tokens: readonly string[]): Float64Array;
  /** Normalised tokens of the text of the last `predict` call (for the abstain rule). */
  lastTokens(): readonly string[];
}

/**
 * Writing into a buffer of the computed size measured about a third faster than
 * `Buffer.from(b64, 'base64')` on the 700 kB of weights at a cold start.
 */
function decodeBase64(b64: string): Uint8Array {
  const buf = Buffer.allocUnsafe(Buffer.byteLength(b64, 'base64'));
  const n = buf.write(b64, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, n);
}

/** Format 1: the dense `[bucket * NUM_CLASSES + class]` table. */
function denseWeights(artifact: ModelArtifact): Int8Array {
  const expected = bucketCount(artifact.features) * NUM_CLASSES;
  const packed = decodeBase64(artifact.weights);
  if (packed.length !== expected) {
    throw new ValidationError(`Model has ${packed.length} weights, expected ${expected}`);
  }
  return new Int8Array(packed.buffer, packed.byteOffset, packed.byteLength);
}

interface SparseTable {
  /** The row mask as 32-bit words (bit `b & 31` of word `b >> 5`). */
  words: Uint32Array;
  /** Rows before each word: a bucket's row is prefix[word] + set bits below it in its word. */
  prefix: Uint32Array;
  rows: Int8Array;
}

/**
 * Format 2, kept sparse. Expanding 175,000 rows into the dense table took longer than the rest
 * of a cold start together (a scattered copy loop that runs once, before the JIT has warmed);
 * building the rank index is one pass over 32,768 words.
 */
function sparseTable(artifact: ModelArtifact): SparseTable {
  const buckets = bucketCount(artifact.features);
  const mask = decodeBase64(artifact.rowMask ?? '');
  if (mask.length !== Math.ceil(buckets / 8)) {
    throw new ValidationError(
      `Model row mask has ${mask.length} bytes, expected ${Math.ceil(buckets / 8)}`,
    );
  }
  const { words, prefix, count } = rankIndex(mask);
  const packed = decodeBase64(artifact.weights);
  if (packed.length !== count * NUM_CLASSES) {
    throw new ValidationError(
      `Model has ${packed.length} weights, expected ${count * NUM_CLASSES} for ${count} rows`,
    );
  }
  return {
    words,
    prefix,
    rows: new Int8Array(packed.buffer, packed.byteOffset, packed.byteLength),
  };
}

/**
 * The rank prefix, computed by a tiny WebAssembly function (hand-assembled below): the same loop in
 * JavaScript ran 32,768 times before the JIT had warmed, about 4 ms of every cold start, while
 * wasm's i32.popcnt does it in well under one. Its text form:
 *
 *   (module (import "m" "m" (memory 1))
 *     (func (export "p") (param $n i32) (result i32) (local $i i32) (local $count i32)
 *       (block (loop
 *         (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
 *         ;; prefix[i] (after the n words) = rows before word i
 *         (i32.store (i32.shl (i32.add (local.get $n) (local.get $i)) (i32.const 2)) (local.get $count))
 *         (local.set $count (i32.add (local.get $count)
 *           (i32.popcnt (i32.load (i32.shl (local.get $i) (i32.const 2))))))
 *         (local.set $i (i32.add (local.get $i) (i32.const 1)))
 *         (br 0)))
 *       (local.get $count)))
 */
const RANK_WASM =
  'AGFzbQEAAAABBgFgAX8BfwIIAQFtAW0CAAEDAgEABwUBAXAAAAo5ATcBAn8CQANAIAEgAE8NASAAIAFqQQJ0IAI2AgAgAiABQQJ0KAIAaWohAiABQQFqIQEMAAsLIAIL';

/** The parts of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The row mask as words and the rows before each word; both are views of one wasm memory. */
function rankIndex(mask: Uint8Array): { words: Uint32Array; prefix: Uint32Array; count: number } {
  const n = Math.ceil(mask.length / 4);
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil((n * 8) / 65_536)) });
  // Wasm memory is little-endian, as the Uint32 reads of the rank lookup assume (x86, Graviton).
  new Uint8Array(memory.buffer, 0, mask.length).set(mask);
  const instance = new wasm.Instance(new wasm.Module(decodeBase64(RANK_WASM)), {
    m: { m: memory },
  });
  const rank = instance.exports.p as (words: number) => number;
  const count = rank(n);
  return {
    words: new Uint32Array(memory.buffer, 0, n),
    prefix: new Uint32Array(memory.buffer, n * 4, n),
    count,
  };
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  v = (v + (v >>> 4)) & 0x0f0f0f0f;
  return Math.imul(v, 0x01010101) >>> 24;
}

/** Format 2's packing of a dense int8 table: the row mask and the non-zero rows. */
function packWeights(dense: Int8Array): { rowMask: Uint8Array; rows: Int8Array } {
  const buckets = dense.length / NUM_CLASSES;
  const rowMask = new Uint8Array(Math.ceil(buckets / 8));
  const kept: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const base = b * NUM_CLASSES;
    if (dense[base] === 0 && dense[base + 1] === 0 && dense[base + 2] === 0) continue;
    rowMask[b >> 3] = (rowMask[b >> 3] as number) | (1 << (b & 7));
    kept.push(b);
  }
  const rows = new Int8Array(kept.length * NUM_CLASSES);
  kept.forEach((b, i) => {
    for (let c = 0; c < NUM_CLASSES; c++)
      rows[i * NUM_CLASSES + c] = dense[b * NUM_CLASSES + c] as number;
  });
  return { rowMask, rows };
}

/** `expandAfter`: predictions before a format-2 model switches to its dense table (tests). */
function fromArtifact(artifact: ModelArtifact, expandAfter = EXPAND_AFTER): LinearModel {
  if (
    artifact.format !== 'pantau-sentiment-linear/1' &&
    artifact.format !== 'pantau-sentiment-linear/2'
  ) {
    throw new ValidationError(`Unknown sentiment model format '${String(artifact.format)}'`);
  }
  if (artifact.labels.join(',') !== MODEL_LABELS.join(',')) {
    throw new ValidationError(
      `Model labels ${artifact.labels.join(',')} do not match ${MODEL_LABELS.join(',')}`,
    );
  }
  const bias = Float64Array.from(artifact.bias);
  if (artifact.format === 'pantau-sentiment-linear/1') {
    return fromWeights(
      artifact.manifest,
      artifact.features,
      bias,
      denseWeights(artifact),
      artifact.scale,
    );
  }
  return fromSparse(
    artifact.manifest,
    artifact.features,
    bias,
    sparseTable(artifact),
    artifact.scale,
    expandAfter,
  );
}

/**
 * After this many predictions a format-2 model expands its rows into the dense table: a rank
 * lookup costs about a tenth of the scoring throughput, while the expansion (tens of ms, once)
 * would double a cold start. One Lambda batch of posts is enough to pay for it.
 */
const EXPAND_AFTER = 1000;

/** The dense `[bucket * NUM_CLASSES + class]` table of a sparse one. */
function expandRows(table: SparseTable): Int8Array {
  const { words, rows } = table;
  const dense = new Int8Array(words.length * 32 * NUM_CLASSES);
  let k = 0;
  for (let w = 0; w < words.length; w++) {
    let word = words[w] as number;
    while (word !== 0) {
      const low = word & -word;
      word ^= low;
      const base = ((w << 5) | (31 - Math.clz32(low))) * NUM_CLASSES;
      dense[base] = rows[k++] as number;
      dense[base + 1] = rows[k++] as number;
      dense[base + 2] = rows[k++] as number;
    }
  }
  return dense;
}

/**
 * Scores like `fromWeights`: first reading format 2's rows through the rank index, then, after
 * EXPAND_AFTER predictions, from the expanded dense table. Both give the same logits.
 */
function fromSparse(
  manifest: ModelManifest,
  spec: FeatureSpec,
  bias: Float64Array,
  table: SparseTable,
  scale: number,
  expandAfter = EXPAND_AFTER,
): LinearModel {
  // Everything the scoring loops read is a local of this closure, not module-level: esbuild (which
  // builds the Lambda) turns top-level `const` into `var`, and V8 then re-reads such constants and
  // function aliases from mutable slots per token (issue #3). Imported bindings are copied for the
  // same reason (a transpiler's live binding of an import can also cost a getter call).
  const unigramAt: (h: number, shift: number) => number = wordBucket;
  const bigramAt: (h1: number, h2: number, shift: number) => number = bigramBucket;
  const featureValue: (count: number) => number = wordValue;
  const hashesOf: () => Int32Array = tokenHashes;
  const tokensOf: (text: string) => string[] = tokenize;
  const toProbabilities: typeof softmaxInto = softmaxInto;
  const bitsBelow: typeof popcount = popcount;
  /** NUM_CLASSES, as a literal the compiler folds into the row offsets. */
  const K = 3;
  const { extract, extractTokenized } = createExtractor(spec);
  const { words, prefix, rows } = table;
  const logits = new Float64Array(NUM_CLASSES);
  const probs = new Float64Array(NUM_CLASSES);
  let tokens: readonly string[] = [];
  let dense: Int8Array | undefined;
  let calls = 0;
  const direct = wordsOnly(spec);
  const shift = 32 - spec.bits;

  function predict(text: string): Float64Array {
    if (direct) return predictTokenized(tokensOf(text));
    if (dense === undefined && ++calls > expandAfter) dense = expandRows(table);
    return score(extract(text));
  }

  function predictTokenized(t: readonly string[]): Float64Array {
    if (dense === undefined && ++calls > expandAfter) dense = expandRows(table);
    if (direct && dense !== undefined) return scoreWords(t, dense);
    return score(extractTokenized(t));
  }

  /**
   * `score(extractTokenized(t))` for a words-only spec, from the token hashes: the same features
   * in the same order with the same value, so the same sums bit for bit, without writing them.
   */
  function scoreWords(t: readonly string[], weights: Int8Array): Float64Array {
    tokens = t;
    const h = hashesOf();
    const n = t.length;
    const v = featureValue(n > 1 ? 2 * n - 1 : n);
    let l0 = 0;
    let l1 = 0;
    let l2 = 0;
    for (let i = 0; i < n; i++) {
      const base = unigramAt(h[i] as number, shift) * K;
      l0 += v * (weights[base] as number);
      l1 += v * (weights[base + 1] as number);
      l2 += v * (weights[base + 2] as number);
    }
    for (let i = 1; i < n; i++) {
      const base = bigramAt(h[i - 1] as number, h[i] as number, shift) * K;
      l0 += v * (weights[base] as number);
      l1 += v * (weights[base + 1] as number);
      l2 += v * (weights[base + 2] as number);
    }
    logits[0] = l0 * scale + (bias[0] as number);
    logits[1] = l1 * scale + (bias[1] as number);
    logits[2] = l2 * scale + (bias[2] as number);
    return toProbabilities(logits, probs);
  }

  function score(f: Features): Float64Array {
    tokens = f.tokens;
    let l0 = 0;
    let l1 = 0;
    let l2 = 0;
    if (dense !== undefined) {
      for (let i = 0; i < f.length; i++) {
        const base = (f.idx[i] as number) * K;
        const v = f.val[i] as number;
        l0 += v * (dense[base] as number);
        l1 += v * (dense[base + 1] as number);
        l2 += v * (dense[base + 2] as number);
      }
    } else {
      for (let i = 0; i < f.length; i++) {
        const b = f.idx[i] as number;
        const word = words[b >>> 5] as number;
        const bit = 1 << (b & 31);
        // Buckets without a row have all-zero weights.
        if ((word & bit) === 0) continue;
        const base = ((prefix[b >>> 5] as number) + bitsBelow(word & (bit - 1))) * K;
        const v = f.val[i] as number;
        l0 += v * (rows[base] as number);
        l1 += v * (rows[base + 1] as number);
        l2 += v * (rows[base + 2] as number);
      }
    }
    logits[0] = l0 * scale + (bias[0] as number);
    logits[1] = l1 * scale + (bias[1] as number);
    logits[2] = l2 * scale + (bias[2] as number);
    return toProbabilities(logits, probs);
  }

  return {
    version: manifest.version,
    manifest,
    predict,
    predictTokenized,
    lastTokens: () => tokens,
  };
}

/** Shared by the trainer (float weights) and the shipped model (int8 weights). */
function fromWeights(
  manifest: ModelManifest,
  spec: FeatureSpec,
  bias: Float64Array,
  weights: Int8Array | Float32Array | Float64Array,
  scale: number,
): LinearModel {
  const { extract, extractTokenized } = createExtractor(spec);
  const logits = new Float64Array(NUM_CLASSES);
  const probs = new Float64Array(NUM_CLASSES);
  let tokens: readonly string[] = [];

  function predict(text: string): Float64Array {
    return score(extract(text));
  }

  function score(f: Features): Float64Array {
    tokens = f.tokens;
    let l0 = 0;
    let l1 = 0;
    let l2 = 0;
    for (let i = 0; i < f.length; i++) {
      const base = (f.idx[i] as number) * NUM_CLASSES;
      const v = f.val[i] as number;
      l0 += v * (weights[base] as number);
      l1 += v * (weights[base + 1] as number);
      l2 += v * (weights[base + 2] as number);
    }
    logits[0] = l0 * scale + (bias[0] as number);
    logits[1] = l1 * scale + (bias[1] as number);
    logits[2] = l2 * scale + (bias[2] as number);
    return softmaxInto(logits, probs);
  }

  return {
    version: manifest.version,
    manifest,
    predict,
    predictTokenized: (t) => score(extractTokenized(t)),
    lastTokens: () => tokens,
  };
}

function softmax(logits: Float64Array): Float64Array {
  return softmaxInto(logits, new Float64Array(logits.length));
}

/** softmax written into `out` (no allocation per prediction). */
function softmaxInto(logits: Float64Array, out: Float64Array): Float64Array {
  let max = -Infinity;
  for (const l of logits) if (l > max) max = l;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i] as number) - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / sum;
  return out;
}

function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if ((p[i] as number) > (p[best] as number)) best = i;
  return best;
}

export type { DatasetEntry, LinearModel, ModelArtifact, ModelLabel, ModelManifest };
export { argmax, fromArtifact, fromWeights, MODEL_LABELS, NUM_CLASSES, packWeights, softmax };
