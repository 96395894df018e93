/**
 * Multinomial logistic regression trained with AdaGrad over hashed features, class-weighted so the
 * small neutral class counts as much as the others (the target is macro-F1). Deterministic: one
 * seeded shuffle per epoch and plain float arithmetic.
 */
import { createExtractor, type FeatureSpec } from '../features.ts';
import { MODEL_LABELS, type ModelLabel, NUM_CLASSES } from '../model.ts';
import { type Example, seededRandom, shuffleInPlace } from './data.ts';

interface TrainOptions {
  spec: FeatureSpec;
  seed: number;
  epochs: number;
  learningRate: number;
  l2: number;
  /** 0 = no class weighting, 1 = fully balanced. */
  balance: number;
  /**
   * Average the weights of the last `averageEpochs` epochs (0 = keep the last epoch's): the
   * average of a noisy SGD path generalises better than its end point.
   */
  averageEpochs?: number;
}

interface TrainedWeights {
  bias: Float64Array;
  weights: Float32Array;
}

interface Encoded {
  idx: Int32Array;
  val: Float32Array;
  y: number;
}

function labelIndex(label: ModelLabel): number {
  return MODEL_LABELS.indexOf(label);
}

function train(examples: Example[], opts: TrainOptions): TrainedWeights {
  const { extract } = createExtractor(opts.spec);
  const docs: Encoded[] = examples.map((e) => {
    const f = extract(e.text);
    return { idx: f.idx.slice(0, f.length), val: f.val.slice(0, f.length), y: labelIndex(e.label) };
  });

  const counts = new Float64Array(NUM_CLASSES);
  for (const d of docs) counts[d.y] = (counts[d.y] as number) + 1;
  const classWeight = Array.from(counts, (c) =>
    c === 0 ? 0 : (docs.length / (NUM_CLASSES * c)) ** opts.balance,
  );

  const size = (1 << opts.spec.bits) * NUM_CLASSES;
  const w = new Float32Array(size);
  const g2 = new Float32Array(size);
  const bias = new Float64Array(NUM_CLASSES);
  const biasG2 = new Float64Array(NUM_CLASSES);
  const random = seededRandom(opts.seed);
  const order = docs.map((_, i) => i);
  const p = new Float64Array(NUM_CLASSES);
  const grad = new Float64Array(NUM_CLASSES);
  const eps = 1e-8;

  const avgFrom = opts.epochs - Math.min(opts.averageEpochs ?? 0, opts.epochs);
  const wSum = avgFrom < opts.epochs ? new Float64Array(size) : undefined;
  const bSum = new Float64Array(NUM_CLASSES);

  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const di of order) {
      const d = docs[di] as Encoded;
      let max = -Infinity;
      for (let c = 0; c < NUM_CLASSES; c++) {
        let z = bias[c] as number;
        for (let i = 0; i < d.idx.length; i++) {
          z += (d.val[i] as number) * (w[(d.idx[i] as number) * NUM_CLASSES + c] as number);
        }
        p[c] = z;
        if (z > max) max = z;
      }
      let sum = 0;
      for (let c = 0; c < NUM_CLASSES; c++) {
        const e = Math.exp((p[c] as number) - max);
        p[c] = e;
        sum += e;
      }
      const cw = classWeight[d.y] as number;
      for (let c = 0; c < NUM_CLASSES; c++) {
        grad[c] = cw * ((p[c] as number) / sum - (c === d.y ? 1 : 0));
        const gb = grad[c] as number;
        biasG2[c] = (biasG2[c] as number) + gb * gb;
        bias[c] =
          (bias[c] as number) - (opts.learningRate * gb) / Math.sqrt((biasG2[c] as number) + eps);
      }
      for (let i = 0; i < d.idx.length; i++) {
        const base = (d.idx[i] as number) * NUM_CLASSES;
        const v = d.val[i] as number;
        for (let c = 0; c < NUM_CLASSES; c++) {
          const j = base + c;
          const wj = w[j] as number;
          // L2 applied lazily, only to the weights a document touches.
          const g = (grad[c] as number) * v + opts.l2 * wj;
          const acc = (g2[j] as number) + g * g;
          g2[j] = acc;
          w[j] = wj - (opts.learningRate * g) / Math.sqrt(acc + eps);
        }
      }
    }
    if (wSum && epoch >= avgFrom) {
      for (let j = 0; j < size; j++) wSum[j] = (wSum[j] as number) + (w[j] as number);
      for (let c = 0; c < NUM_CLASSES; c++) bSum[c] = (bSum[c] as number) + (bias[c] as number);
    }
  }
  if (wSum) {
    const k = opts.epochs - avgFrom;
    for (let j = 0; j < size; j++) w[j] = (wSum[j] as number) / k;
    for (let c = 0; c < NUM_CLASSES; c++) bias[c] = (bSum[c] as number) / k;
  }
  return { bias, weights: w };
}

/** Symmetric int8 quantisation; the scale is chosen from the largest weight so nothing clips. */
function quantize(weights: Float32Array): { q: Int8Array; scale: number } {
  let maxAbs = 0;
  for (const x of weights) {
    const a = Math.abs(x);
    if (a > maxAbs) maxAbs = a;
  }
  const scale = maxAbs > 0 ? maxAbs / 127 : 1;
  const q = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) q[i] = Math.round((weights[i] as number) / scale);
  return { q, scale };
}

export type { TrainedWeights, TrainOptions };
export { quantize, train };
