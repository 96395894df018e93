/**
 * `npx tsx lib/sentiment/train/experiments.ts [--data DIR] [--cv] [--policy] [--ood] [variant...]`
 * Reproduces the comparisons in docs/sentiment.md: each variant is trained on the training
 * portion and scored (plain argmax, float weights) on SmSA dev and NusaX valid.
 * - A variant is a name below or a JSON object of overrides on the 1.0.0 recipe (`LR`, 2^17
 *   buckets), e.g. '{"nbAlpha":1,"spec":{"bits":20,"wordMaxN":2,"charMinN":0,"charMaxN":0,"charLimit":1200}}'.
 * - `--cv`: also 5-fold out-of-fold macro-F1 over SmSA's training rows (what recipes are chosen
 *   on) and the class-bias offsets tuned on it.
 * - `--policy`: train with models/policy-id/ too (minus its dev slice, which is then scored);
 *   `--policy-weight=N` sets each policy row's training weight.
 * - `--review`: train with models/review-id/ too (all of it; SmSA dev and CV measure it);
 *   `--review-weight=N` sets each review row's training weight. `--extra FILE` adds a TSV.
 * - `--ood`: also the out-of-domain sets; for the go/no-go on the policy set only.
 * Not part of `npm test`.
 */
import { errorMessage } from '../../domain/errors.ts';
import type { FeatureSpec } from '../features.ts';
import { argmax, MODEL_LABELS, type ModelLabel } from '../model.ts';
import { POLICY_DIR, parseArgs, REVIEW_DIR } from './args.ts';
import { labelsWithOffsets, outOfFold, tuneBiasOffsets } from './cv.ts';
import { type Example, loadIdsa, loadIkn, loadVaccines } from './data.ts';
import { evaluate } from './metrics.ts';
import { DEFAULT_TRAIN_OPTIONS, loadTrainingData } from './pipeline.ts';
import { type Encoded, encode, floatModel, type TrainOptions, trainEncoded } from './trainer.ts';

const LR: TrainOptions = {
  spec: { bits: 17, wordMaxN: 2, charMinN: 0, charMaxN: 0, charLimit: 1200 },
  seed: 20261129,
  epochs: 8,
  learningRate: 0.2,
  l2: 1e-6,
  balance: 0.5,
};

const VARIANTS: Record<string, TrainOptions> = {
  lr: LR,
  shipped: DEFAULT_TRAIN_OPTIONS,
  'nb-a1': { ...LR, nbAlpha: 1 },
  'nb-a0.5': { ...LR, nbAlpha: 0.5 },
  'nb-a1-lr0.1': { ...LR, nbAlpha: 1, learningRate: 0.1 },
  'nb-a1-e4': { ...LR, nbAlpha: 1, epochs: 4 },
  'nb-a1-e15': { ...LR, nbAlpha: 1, epochs: 15 },
  'lr-s5': { ...LR, seeds: 5 },
  'nb-a1-s5': { ...LR, nbAlpha: 1, seeds: 5 },
  'nb-a1-3g': { ...LR, nbAlpha: 1, spec: { ...LR.spec, wordMaxN: 3 } },
  'nb-a1-b18': { ...LR, nbAlpha: 1, spec: { ...LR.spec, bits: 18 } },
};

function specKey(s: FeatureSpec): string {
  return JSON.stringify(s);
}

function main(argv: string[]): number {
  const flags = new Set(['--cv', '--ood', '--policy']);
  const cv = argv.includes('--cv');
  const names = argv.filter((a) => !a.startsWith('--'));
  const weightFlag = argv.find((a) => a.startsWith('--policy-weight='));
  const reviewWeightFlag = argv.find((a) => a.startsWith('--review-weight='));
  const args = parseArgs(
    argv.filter(
      (a) => a.startsWith('--') && !flags.has(a) && a !== weightFlag && a !== reviewWeightFlag,
    ),
  );
  const data = loadTrainingData(args.data, LR.seed, {
    policyDir: argv.includes('--policy') ? POLICY_DIR : undefined,
    policyWeight: weightFlag ? Number(weightFlag.slice('--policy-weight='.length)) : undefined,
    reviewDir: args.review ? REVIEW_DIR : undefined,
    reviewWeight: reviewWeightFlag
      ? Number(reviewWeightFlag.slice('--review-weight='.length))
      : undefined,
    extraFile: args.extra,
  });
  // Out-of-domain sets are only looked at for the go/no-go on the authored policy set.
  const ood = argv.includes('--ood')
    ? [
        ['vaccines', loadVaccines(args.data).examples],
        ['idsa', loadIdsa(args.data).examples],
        ['ikn', loadIkn(args.data).examples],
      ]
    : [];
  const encoded = new Map<string, Encoded[]>();
  for (const name of names.length > 0 ? names : Object.keys(VARIANTS)) {
    // A name may also be a JSON object of overrides on the plain LR recipe.
    const opts = name.startsWith('{')
      ? ({ ...LR, ...JSON.parse(name) } as TrainOptions)
      : VARIANTS[name];
    if (!opts) throw new Error(`Unknown variant ${name}`);
    const key = specKey(opts.spec);
    let docs = encoded.get(key);
    if (!docs) {
      docs = encode(data.train, opts.spec);
      encoded.set(key, docs);
    }
    const started = Date.now();
    const trained = trainEncoded(docs, opts);
    const seconds = (Date.now() - started) / 1000;
    const model = floatModel(trained, opts.spec, name);
    const score = (set: Example[]) =>
      evaluate(
        set.map((e) => e.label),
        set.map((e) => MODEL_LABELS[argmax(model.predict(e.text))] as ModelLabel),
      );
    const smsa = score(data.smsaDev);
    const nusax = score(data.nusaxValid);
    const policy = data.policyDev.length > 0 ? score(data.policyDev) : undefined;
    console.log(
      `${name.padEnd(16)} smsa-dev macroF1 ${smsa.macroF1.toFixed(4)} acc ${smsa.accuracy.toFixed(4)} ` +
        `(${smsa.perClass.map((c) => c.f1.toFixed(3)).join('/')})  nusax ${nusax.macroF1.toFixed(4)}` +
        (policy
          ? `  policy-dev ${policy.macroF1.toFixed(4)} (${policy.perClass.map((c) => c.f1.toFixed(3)).join('/')})`
          : '') +
        `  ${seconds.toFixed(1)} s`,
    );
    if (ood.length > 0) {
      console.log(
        `${''.padEnd(16)} OOD macroF1 ${ood
          .map(([n, set]) => `${n} ${score(set as Example[]).macroF1.toFixed(4)}`)
          .join('  ')}`,
      );
    }
    if (cv) {
      const rest = data.train.slice(data.smsaTrain.length);
      const oof = outOfFold(data.smsaTrain, rest, opts);
      const plain = evaluate(oof.gold, labelsWithOffsets(oof.logp, [0, 0, 0]));
      const tuned = tuneBiasOffsets(oof);
      const devLogp = new Float64Array(data.smsaDev.length * 3);
      data.smsaDev.forEach((e, i) => {
        const p = model.predict(e.text);
        for (let c = 0; c < 3; c++) devLogp[i * 3 + c] = Math.log(p[c] as number);
      });
      const devTuned = evaluate(
        data.smsaDev.map((e) => e.label),
        labelsWithOffsets(devLogp, tuned.offsets),
      );
      console.log(
        `${''.padEnd(16)} cv macroF1 ${plain.macroF1.toFixed(4)} (${plain.perClass.map((c) => c.f1.toFixed(3)).join('/')}); ` +
          `offsets ${tuned.offsets.join(',')} -> cv ${tuned.macroF1.toFixed(4)}, dev ${devTuned.macroF1.toFixed(4)} ` +
          `(${devTuned.perClass.map((c) => c.f1.toFixed(3)).join('/')})`,
      );
      if (data.policyTrain.length > 0) {
        const policyRows = new Set(data.policyTrain);
        const others = data.train.filter((e) => !policyRows.has(e));
        const pOof = outOfFold(data.policyTrain, others, opts);
        const pPlain = evaluate(pOof.gold, labelsWithOffsets(pOof.logp, [0, 0, 0]));
        console.log(
          `${''.padEnd(16)} policy cv macroF1 ${pPlain.macroF1.toFixed(4)} (${pPlain.perClass.map((c) => c.f1.toFixed(3)).join('/')})`,
        );
      }
    }
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(`experiments: ${errorMessage(err)}`);
  process.exitCode = 1;
}
