/**
 * `npx tsx lib/sentiment/train/self-training.ts [--data DIR]`: self-training on the review-style
 * texts of models/review-id/. Their authors' labels lowered SmSA's CV (fourth round,
 * docs/sentiment.md); here each fold's own model (the teacher, which never saw the fold) labels
 * them instead, so the added rows follow the convention the model learnt from SmSA, and a student
 * is trained on the fold's training rows plus those pseudo-labelled rows (all of them, or only
 * the confident ones, at a weight). Prints out-of-fold macro-F1 over SmSA's training rows for the
 * teacher and each student. Not part of `npm test`.
 */
import { argmax, MODEL_LABELS, type ModelLabel, NUM_CLASSES } from '../model.ts';
import { POLICY_DIR, parseArgs, REVIEW_DIR } from './args.ts';
import { foldsOf } from './cv.ts';
import { type Example, loadPantauReviews } from './data.ts';
import { evaluate } from './metrics.ts';
import { DEFAULT_TRAIN_OPTIONS, loadTrainingData } from './pipeline.ts';
import { floatModel, train } from './trainer.ts';

const FOLDS = 5;

function main(argv: string[]): void {
  const args = parseArgs(argv);
  const opts = DEFAULT_TRAIN_OPTIONS;
  const data = loadTrainingData(args.data, opts.seed, { policyDir: POLICY_DIR });
  const reviews = loadPantauReviews(REVIEW_DIR).examples;
  const target = data.smsaTrain;
  const rest = data.train.slice(target.length);
  // The folds of `--cv`, so the figures compare with it.
  const foldOf = foldsOf(target.length, opts.seed, FOLDS);
  const variants: { name: string; weight: number; minP: number }[] = [
    { name: 'pseudo w1 p0', weight: 1, minP: 0 },
    { name: 'pseudo w0.5 p0', weight: 0.5, minP: 0 },
    { name: 'pseudo w1 p0.8', weight: 1, minP: 0.8 },
    { name: 'pseudo w1 p0.95', weight: 1, minP: 0.95 },
  ];
  const base: ModelLabel[] = new Array(target.length);
  const preds = variants.map(() => new Array<ModelLabel>(target.length));
  for (let f = 0; f < FOLDS; f++) {
    const others = target.filter((_, i) => foldOf[i] !== f);
    const teacher = floatModel(train([...others, ...rest], opts), opts.spec, 't');
    const probs = reviews.map((e) => teacher.predict(e.text).slice(0, NUM_CLASSES));
    const score = (model: ReturnType<typeof floatModel>, out: ModelLabel[]) =>
      target.forEach((e, i) => {
        if (foldOf[i] === f) out[i] = MODEL_LABELS[argmax(model.predict(e.text))] as ModelLabel;
      });
    score(teacher, base);
    variants.forEach((v, k) => {
      const pseudo: Example[] = [];
      reviews.forEach((e, j) => {
        const p = probs[j] as Float64Array;
        const c = argmax(p);
        if ((p[c] as number) < v.minP) return;
        pseudo.push({ text: e.text, label: MODEL_LABELS[c] as ModelLabel, weight: v.weight });
      });
      const student = floatModel(train([...others, ...rest, ...pseudo], opts), opts.spec, 's');
      score(student, preds[k] as ModelLabel[]);
    });
  }
  const gold = target.map((e) => e.label);
  const show = (name: string, p: ModelLabel[]) => {
    const m = evaluate(gold, p);
    console.log(
      `${name.padEnd(18)} cv ${m.macroF1.toFixed(4)} (${m.perClass.map((c) => c.f1.toFixed(3)).join('/')})`,
    );
  };
  show('base', base);
  variants.forEach((v, k) => {
    show(v.name, preds[k] as ModelLabel[]);
  });
}

main(process.argv.slice(2));
