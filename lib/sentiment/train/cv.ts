/**
 * Cross-validation inside the training portion. Hyper-parameters and the class-bias offsets are
 * chosen on out-of-fold predictions over SmSA's training rows (about 9,900 rows, nine times the
 * dev slice), so the dev slice stays an honest check rather than the thing being tuned.
 */

import { mulberry32 } from '../../runtime/seeded-random.ts';
import { argmax, MODEL_LABELS, type ModelLabel, NUM_CLASSES } from '../model.ts';
import { type Example, shuffleInPlace } from './data.ts';
import { evaluate } from './metrics.ts';
import { floatModel, type TrainOptions, train } from './trainer.ts';

interface OutOfFold {
  /** Log-probabilities, `[row * NUM_CLASSES + class]`, each row scored by a model that never saw it. */
  logp: Float64Array;
  gold: ModelLabel[];
}

/** The fold of each of `n` rows: a seeded shuffle dealt round-robin, so folds differ by one row at most. */
function foldsOf(n: number, seed: number, folds: number): Int32Array {
  const order = shuffleInPlace(
    Array.from({ length: n }, (_, i) => i),
    mulberry32(seed ^ 0x5bd1e995),
  );
  const foldOf = new Int32Array(n);
  order.forEach((row, k) => {
    foldOf[row] = k % folds;
  });
  return foldOf;
}

/**
 * Splits `target` into `folds` seeded folds; each fold is scored by a model trained on the other
 * folds plus all of `always` (rows that are never scored, such as NusaX and IndoLEM).
 */
function outOfFold(
  target: readonly Example[],
  always: readonly Example[],
  opts: TrainOptions,
  folds = 5,
): OutOfFold {
  const foldOf = foldsOf(target.length, opts.seed, folds);
  const logp = new Float64Array(target.length * NUM_CLASSES);
  for (let f = 0; f < folds; f++) {
    const trainRows = [...target.filter((_, i) => foldOf[i] !== f), ...always];
    const trained = train(trainRows, opts);
    const model = floatModel(trained, opts.spec, 'cv');
    target.forEach((e, i) => {
      if (foldOf[i] !== f) return;
      const p = model.predict(e.text);
      for (let c = 0; c < NUM_CLASSES; c++) logp[i * NUM_CLASSES + c] = Math.log(p[c] as number);
    });
  }
  return { logp, gold: target.map((e) => e.label) };
}

/** Labels after adding `offsets` to the log-probabilities (a shift of each class's bias). */
function labelsWithOffsets(logp: Float64Array, offsets: readonly number[]): ModelLabel[] {
  const n = logp.length / NUM_CLASSES;
  const out: ModelLabel[] = new Array(n);
  const z = new Float64Array(NUM_CLASSES);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < NUM_CLASSES; c++)
      z[c] = (logp[i * NUM_CLASSES + c] as number) + (offsets[c] as number);
    out[i] = MODEL_LABELS[argmax(z)] as ModelLabel;
  }
  return out;
}

const OFFSET_GRID = [-1, -0.75, -0.5, -0.4, -0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1];

/**
 * The NEUTRAL and POSITIVE bias offsets (NEGATIVE fixed at 0: only differences matter) that
 * maximise out-of-fold macro-F1. Ties go to the smaller total shift, so with no gain the offsets
 * stay zero.
 */
function tuneBiasOffsets(oof: OutOfFold): { offsets: number[]; macroF1: number } {
  let best = {
    offsets: [0, 0, 0],
    macroF1: evaluate(oof.gold, labelsWithOffsets(oof.logp, [0, 0, 0])).macroF1,
  };
  for (const neu of OFFSET_GRID) {
    for (const pos of OFFSET_GRID) {
      const offsets = [0, neu, pos];
      const m = evaluate(oof.gold, labelsWithOffsets(oof.logp, offsets)).macroF1;
      const shift = Math.abs(neu) + Math.abs(pos);
      const bestShift = Math.abs(best.offsets[1] as number) + Math.abs(best.offsets[2] as number);
      if (m > best.macroF1 + 1e-12 || (Math.abs(m - best.macroF1) <= 1e-12 && shift < bestShift)) {
        best = { offsets, macroF1: m };
      }
    }
  }
  return best;
}

export type { OutOfFold };
export { foldsOf, labelsWithOffsets, outOfFold, tuneBiasOffsets };
