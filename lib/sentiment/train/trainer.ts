/**
 * Multinomial logistic regression trained with AdaGrad over hashed features, class-weighted so the
 * small neutral class counts as much as the others (the target is macro-F1). Deterministic: one
 * seeded shuffle per epoch and plain float arithmetic.
 *
 * Optional NB-LR (Wang & Manning 2012): each class's features are scaled by that class's
 * log-count ratio r_c (how much more often a bucket occurs in class-c documents than in the
 * others). The logit is then b_c + Σ_j v_j · r_c[j] · u_c[j], so the exported weight of bucket j
 * for class c is r_c[j] · u_c[j]: an NB-LR model scores exactly like a plain linear model, and
 * the artifact format and the scoring code do not change.
 */

import { mulberry32 } from '../../runtime/seeded-random.ts';
import { bucketCount, createExtractor, type FeatureSpec } from '../features.ts';
import {
  fromWeights,
  type LinearModel,
  MODEL_LABELS,
  type ModelLabel,
  NUM_CLASSES,
} from '../model.ts';
import { type Example, shuffleInPlace } from './data.ts';

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
  /**
   * NB-LR: additive smoothing of the per-class document counts behind the log-count ratios.
   * 0 or absent = plain logistic regression.
   */
  nbAlpha?: number;
  /**
   * Number of models trained on differently seeded shuffles whose weights are averaged (1 or
   * absent = one model). Averaging linear models' weights equals averaging their logits, so the
   * ensemble ships as one model at no scoring cost.
   */
  seeds?: number;
  /**
   * Interpolation with multinomial naive Bayes: adds `mnbWeight` × the class log-likelihoods of
   * each bucket seen in training (centred over the classes, which leaves the softmax unchanged
   * for a bucket's common part) to the learned weights. 0 or absent = none.
   */
  mnbWeight?: number;
  /**
   * Zero every bucket whose largest weight (over the classes) is below `prune` × the largest
   * weight in the model. 0 or absent = keep all. Most such buckets hold n-grams seen once or
   * twice in training: dropping them shrinks the artifact and acts as a regulariser.
   */
  prune?: number;
}

interface TrainedWeights {
  bias: Float64Array;
  weights: Float32Array;
}

interface Encoded {
  idx: Int32Array;
  val: Float32Array;
  y: number;
  /** Row weight: scales the row's gradient and its share of the class balance. */
  w: number;
}

function labelIndex(label: ModelLabel): number {
  return MODEL_LABELS.indexOf(label);
}

/** Features of every example, copied out of the extractor's reused buffers. */
function encode(examples: readonly Example[], spec: FeatureSpec): Encoded[] {
  const { extract } = createExtractor(spec);
  return examples.map((e) => {
    const f = extract(e.text);
    return {
      idx: f.idx.slice(0, f.length),
      val: f.val.slice(0, f.length),
      y: labelIndex(e.label),
      w: e.weight ?? 1,
    };
  });
}

/**
 * Per-class log-count ratios over binarised features, `[bucket * NUM_CLASSES + class]`:
 * r_c = log((p_c / |p_c|₁) / (q_c / |q_c|₁)), p_c = α + documents of class c holding the bucket,
 * q_c = α + documents of the other classes holding it.
 */
function logCountRatios(docs: readonly Encoded[], spec: FeatureSpec, alpha: number): Float32Array {
  const buckets = bucketCount(spec);
  const counts = new Float64Array(buckets * NUM_CLASSES);
  const stamp = new Int32Array(buckets).fill(-1);
  docs.forEach((d, di) => {
    for (let i = 0; i < d.idx.length; i++) {
      const j = d.idx[i] as number;
      if (stamp[j] === di) continue;
      stamp[j] = di;
      const k = j * NUM_CLASSES + d.y;
      counts[k] = (counts[k] as number) + 1;
    }
  });
  const total = new Float64Array(NUM_CLASSES);
  for (let j = 0; j < buckets; j++) {
    for (let c = 0; c < NUM_CLASSES; c++) {
      total[c] = (total[c] as number) + (counts[j * NUM_CLASSES + c] as number) + alpha;
    }
  }
  const all = total.reduce((a, b) => a + b, 0);
  const r = new Float32Array(buckets * NUM_CLASSES);
  for (let j = 0; j < buckets; j++) {
    let rowSum = 0;
    for (let c = 0; c < NUM_CLASSES; c++) rowSum += (counts[j * NUM_CLASSES + c] as number) + alpha;
    for (let c = 0; c < NUM_CLASSES; c++) {
      const p = (counts[j * NUM_CLASSES + c] as number) + alpha;
      const q = rowSum - p;
      const tc = total[c] as number;
      r[j * NUM_CLASSES + c] = Math.log(p / tc / (q / (all - tc)));
    }
  }
  return r;
}

/**
 * Centred multinomial naive Bayes log-likelihoods over binarised features; zero for buckets no
 * training document holds, so they stay out of the sparse artifact.
 */
function naiveBayesWeights(
  docs: readonly Encoded[],
  spec: FeatureSpec,
  alpha: number,
): Float32Array {
  const buckets = bucketCount(spec);
  const counts = new Float64Array(buckets * NUM_CLASSES);
  const stamp = new Int32Array(buckets).fill(-1);
  const total = new Float64Array(NUM_CLASSES);
  docs.forEach((d, di) => {
    for (let i = 0; i < d.idx.length; i++) {
      const j = d.idx[i] as number;
      if (stamp[j] === di) continue;
      stamp[j] = di;
      const k = j * NUM_CLASSES + d.y;
      counts[k] = (counts[k] as number) + 1;
      total[d.y] = (total[d.y] as number) + 1;
    }
  });
  const out = new Float32Array(buckets * NUM_CLASSES);
  const logp = new Float64Array(NUM_CLASSES);
  for (let j = 0; j < buckets; j++) {
    const base = j * NUM_CLASSES;
    if (stamp[j] === -1) continue;
    let mean = 0;
    for (let c = 0; c < NUM_CLASSES; c++) {
      logp[c] = Math.log(
        ((counts[base + c] as number) + alpha) / ((total[c] as number) + alpha * buckets),
      );
      mean += (logp[c] as number) / NUM_CLASSES;
    }
    for (let c = 0; c < NUM_CLASSES; c++) out[base + c] = (logp[c] as number) - mean;
  }
  return out;
}

function train(examples: Example[], opts: TrainOptions): TrainedWeights {
  return trainEncoded(encode(examples, opts.spec), opts);
}

/** Training on already encoded documents (the tuning scripts encode once per feature spec). */
function trainEncoded(docs: readonly Encoded[], opts: TrainOptions): TrainedWeights {
  const seeds = Math.max(1, opts.seeds ?? 1);
  const ratios =
    opts.nbAlpha && opts.nbAlpha > 0 ? logCountRatios(docs, opts.spec, opts.nbAlpha) : undefined;
  const trained =
    seeds === 1 ? trainOne(docs, opts, opts.seed, ratios) : trainSeeds(docs, opts, seeds, ratios);
  if (opts.mnbWeight && opts.mnbWeight > 0) {
    const nb = naiveBayesWeights(docs, opts.spec, 1);
    for (let j = 0; j < nb.length; j++) {
      trained.weights[j] = (trained.weights[j] as number) + opts.mnbWeight * (nb[j] as number);
    }
  }
  if (opts.prune && opts.prune > 0) pruneRows(trained.weights, opts.prune);
  return trained;
}

/** Zeroes, in place, the buckets whose largest |weight| is below `fraction` × the model's largest. */
function pruneRows(weights: Float32Array, fraction: number): void {
  let maxAbs = 0;
  for (const x of weights) maxAbs = Math.max(maxAbs, Math.abs(x));
  const limit = fraction * maxAbs;
  for (let base = 0; base < weights.length; base += NUM_CLASSES) {
    let rowMax = 0;
    for (let c = 0; c < NUM_CLASSES; c++) {
      rowMax = Math.max(rowMax, Math.abs(weights[base + c] as number));
    }
    if (rowMax < limit) weights.fill(0, base, base + NUM_CLASSES);
  }
}

function trainSeeds(
  docs: readonly Encoded[],
  opts: TrainOptions,
  seeds: number,
  ratios: Float32Array | undefined,
): TrainedWeights {
  const size = bucketCount(opts.spec) * NUM_CLASSES;
  const wSum = new Float64Array(size);
  const bSum = new Float64Array(NUM_CLASSES);
  for (let s = 0; s < seeds; s++) {
    const one = trainOne(docs, opts, opts.seed + s, ratios);
    for (let j = 0; j < size; j++) wSum[j] = (wSum[j] as number) + (one.weights[j] as number);
    for (let c = 0; c < NUM_CLASSES; c++) bSum[c] = (bSum[c] as number) + (one.bias[c] as number);
  }
  const weights = new Float32Array(size);
  for (let j = 0; j < size; j++) weights[j] = (wSum[j] as number) / seeds;
  return { bias: bSum.map((b) => b / seeds), weights };
}

function trainOne(
  docs: readonly Encoded[],
  opts: TrainOptions,
  seed: number,
  ratios: Float32Array | undefined,
): TrainedWeights {
  const counts = new Float64Array(NUM_CLASSES);
  let total = 0;
  for (const d of docs) {
    counts[d.y] = (counts[d.y] as number) + d.w;
    total += d.w;
  }
  const classWeight = Array.from(counts, (c) =>
    c === 0 ? 0 : (total / (NUM_CLASSES * c)) ** opts.balance,
  );

  const size = bucketCount(opts.spec) * NUM_CLASSES;
  // Without NB scaling every ratio is 1 and u is the weight itself.
  const r = ratios ?? new Float32Array(size).fill(1);
  const w = new Float32Array(size);
  const g2 = new Float32Array(size);
  const bias = new Float64Array(NUM_CLASSES);
  const biasG2 = new Float64Array(NUM_CLASSES);
  const random = mulberry32(seed);
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
          const j = (d.idx[i] as number) * NUM_CLASSES + c;
          z += (d.val[i] as number) * (r[j] as number) * (w[j] as number);
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
      const cw = (classWeight[d.y] as number) * d.w;
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
          const g = (grad[c] as number) * v * (r[j] as number) + opts.l2 * wj;
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
  // Fold the NB ratios into the weights so the model scores as a plain linear model.
  if (ratios) for (let j = 0; j < size; j++) w[j] = (w[j] as number) * (ratios[j] as number);
  return { bias, weights: w };
}

/**
 * A model that scores with the float weights as trained, named `name` (tuning, cross-validation
 * and tests; the shipped artifact is quantised by `buildArtifact`).
 */
function floatModel(trained: TrainedWeights, spec: FeatureSpec, name = 'float'): LinearModel {
  const manifest = {
    name,
    version: name,
    seed: 0,
    datasets: [],
    devSplit: '',
    hyperparameters: {},
    weightsSha256: '',
  };
  return fromWeights(manifest, spec, trained.bias, trained.weights, 1);
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

export type { Encoded, TrainedWeights, TrainOptions };
export { encode, floatModel, logCountRatios, quantize, train, trainEncoded };
