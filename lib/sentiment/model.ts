/**
 * The built-in model: multinomial logistic regression over hashed features, weights quantised to
 * int8 and stored base64 in one JSON artifact (models/sentiment-id.json) with its manifest.
 */
import { ValidationError } from '../domain/errors.ts';
import { createExtractor, type FeatureSpec } from './features.ts';

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

interface ModelArtifact {
  format: 'pantau-sentiment-linear/1';
  manifest: ModelManifest;
  labels: readonly string[];
  features: FeatureSpec;
  bias: number[];
  /** Multiply an int8 weight by this to get the float weight. */
  scale: number;
  /** base64 of Int8Array, `[bucket * NUM_CLASSES + class]`. */
  weights: string;
}

interface LinearModel {
  version: string;
  manifest: ModelManifest;
  /** Class probabilities in MODEL_LABELS order. */
  predict(text: string): Float64Array;
  /** Normalised tokens of the text of the last `predict` call (for the abstain rule). */
  lastTokens(): readonly string[];
}

function decodeWeights(b64: string): Int8Array {
  const buf = Buffer.from(b64, 'base64');
  return new Int8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function fromArtifact(artifact: ModelArtifact): LinearModel {
  if (artifact.format !== 'pantau-sentiment-linear/1') {
    throw new ValidationError(`Unknown sentiment model format '${String(artifact.format)}'`);
  }
  if (artifact.labels.join(',') !== MODEL_LABELS.join(',')) {
    throw new ValidationError(
      `Model labels ${artifact.labels.join(',')} do not match ${MODEL_LABELS.join(',')}`,
    );
  }
  const weights = decodeWeights(artifact.weights);
  const expected = (1 << artifact.features.bits) * NUM_CLASSES;
  if (weights.length !== expected) {
    throw new ValidationError(`Model has ${weights.length} weights, expected ${expected}`);
  }
  return fromWeights(
    artifact.manifest,
    artifact.features,
    Float64Array.from(artifact.bias),
    weights,
    artifact.scale,
  );
}

/** Shared by the trainer (float weights) and the shipped model (int8 weights). */
function fromWeights(
  manifest: ModelManifest,
  spec: FeatureSpec,
  bias: Float64Array,
  weights: Int8Array | Float32Array | Float64Array,
  scale: number,
): LinearModel {
  const { extract } = createExtractor(spec);
  const logits = new Float64Array(NUM_CLASSES);
  let tokens: readonly string[] = [];

  function predict(text: string): Float64Array {
    const f = extract(text);
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
    return softmax(logits);
  }

  return { version: manifest.version, manifest, predict, lastTokens: () => tokens };
}

function softmax(logits: Float64Array): Float64Array {
  let max = -Infinity;
  for (const l of logits) if (l > max) max = l;
  const out = new Float64Array(logits.length);
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
export { argmax, fromArtifact, fromWeights, MODEL_LABELS, NUM_CLASSES, softmax };
