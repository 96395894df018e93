/**
 * `npx tsx lib/sentiment/train/curve.ts [--data DIR]`: the learning curve of the shipped recipe on
 * SmSA. Out-of-fold macro-F1 over SmSA's training rows when each fold's model sees only a seeded
 * fraction of the other folds' SmSA rows (plus all other training data, as in `--cv`). How fast
 * the curve still rises at 100 % says how much more text of SmSA's kind could be worth to this
 * model family. Not part of `npm test`.
 */
import { mulberry32 } from '../../runtime/seeded-random.ts';
import { argmax, MODEL_LABELS, type ModelLabel, NUM_CLASSES } from '../model.ts';
import { POLICY_DIR, parseArgs } from './args.ts';
import { foldsOf } from './cv.ts';
import { type Example, shuffleInPlace } from './data.ts';
import { evaluate } from './metrics.ts';
import { DEFAULT_TRAIN_OPTIONS, loadTrainingData } from './pipeline.ts';
import { floatModel, train } from './trainer.ts';

const FRACTIONS = [0.125, 0.25, 0.5, 0.75, 1];
const FOLDS = 5;

function main(argv: string[]): void {
  const args = parseArgs(argv);
  const opts = DEFAULT_TRAIN_OPTIONS;
  const data = loadTrainingData(args.data, opts.seed, { policyDir: POLICY_DIR });
  const target = data.smsaTrain;
  const rest = data.train.slice(target.length);
  // The folds of `--cv`, so the figures compare with it.
  const foldOf = foldsOf(target.length, opts.seed, FOLDS);
  for (const fraction of FRACTIONS) {
    const predicted: ModelLabel[] = new Array(target.length);
    for (let f = 0; f < FOLDS; f++) {
      const others = target.filter((_, i) => foldOf[i] !== f);
      // The same seeded order for every fraction, so each fraction's rows contain the smaller's.
      const kept = shuffleInPlace([...others], mulberry32(opts.seed + f)).slice(
        0,
        Math.round(others.length * fraction),
      );
      const model = floatModel(train([...kept, ...rest] as Example[], opts), opts.spec, 'curve');
      target.forEach((e, i) => {
        if (foldOf[i] !== f) return;
        const p = model.predict(e.text);
        predicted[i] = MODEL_LABELS[argmax(p.slice(0, NUM_CLASSES))] as ModelLabel;
      });
    }
    const m = evaluate(
      target.map((e) => e.label),
      predicted,
    );
    console.log(
      `SmSA rows per fold model ${String(Math.round(target.length * 0.8 * fraction)).padStart(5)} ` +
        `(${(fraction * 100).toFixed(1)} %): cv macroF1 ${m.macroF1.toFixed(4)} ` +
        `(${m.perClass.map((c) => c.f1.toFixed(3)).join('/')})`,
    );
  }
}

main(process.argv.slice(2));
