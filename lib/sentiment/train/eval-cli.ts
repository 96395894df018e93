/**
 * `npm run eval:sentiment [-- --data DIR] [--model FILE]`
 * Scores the artifact on the dev data carved from the training data (the seeded SmSA slice, plus
 * NusaX valid), then, clearly apart, on out-of-domain policy tweets it was never trained on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { errorMessage } from '../../domain/errors.ts';
import { ABSTAIN_RULE, decide } from '../abstain.ts';
import {
  argmax,
  fromArtifact,
  MODEL_LABELS,
  type ModelArtifact,
  type ModelLabel,
} from '../model.ts';
import { POLICY_DIR, POLICY_HELDOUT_DIR, parseArgs } from './args.ts';
import { type Example, loadIdsa, loadIkn, loadPolicyHeldout, loadVaccines } from './data.ts';
import { evaluate, formatReport } from './metrics.ts';
import { loadTrainingData } from './pipeline.ts';
import { macroF1, type Scored, tuneAbstainRule } from './tune-abstain.ts';

function main(argv: string[]): number {
  const args = parseArgs(argv);
  if (args.help) {
    console.log('Usage: npm run eval:sentiment -- [--data DIR] [--model FILE]');
    return 0;
  }
  const artifact = JSON.parse(readFileSync(args.model, 'utf8')) as ModelArtifact;
  const model = fromArtifact(artifact);
  // The policy folder is loaded whether or not the model was trained on it, so the dev slice is
  // the same rows either way.
  const data = loadTrainingData(args.data, artifact.manifest.seed, {
    policyDir: existsSync(POLICY_DIR) ? POLICY_DIR : undefined,
  });
  const score = (examples: Example[]): Scored[] =>
    examples.map((e) => {
      const p = Float64Array.from(model.predict(e.text));
      return { p, tokens: [...model.lastTokens()], gold: e.label };
    });
  // Reports what the analyzer emits (the model plus the abstain rule), with the plain argmax
  // macro-F1 beside it so the rule's cost or gain is visible.
  const emitted = (scored: Scored[]): ModelLabel[] =>
    scored.map((s) => MODEL_LABELS[decide(s.p, s.tokens, ABSTAIN_RULE)] as ModelLabel);
  const run = (title: string, scored: Scored[]) => {
    const gold = scored.map((s) => s.gold);
    console.log(formatReport(title, evaluate(gold, emitted(scored))));
    const plain = scored.map((s) => MODEL_LABELS[argmax(s.p)] as ModelLabel);
    console.log(
      `(model argmax without the abstain rule: macro-F1 ${evaluate(gold, plain).macroF1.toFixed(4)})`,
    );
    console.log();
  };
  console.log(`# ${artifact.manifest.name} ${artifact.manifest.version}\n`);
  const smsaDev = score(data.smsaDev);
  const nusaxValid = score(data.nusaxValid);
  console.log('# Dev (carved from training data, never trained on)\n');
  run('SmSA dev: seeded 10 % of smsa/train.tsv', smsaDev);
  run('NusaX-senti-id valid', nusaxValid);
  const devSets: [string, Scored[]][] = [
    ['SmSA dev', smsaDev],
    ['NusaX valid', nusaxValid],
  ];
  if (data.policyDev.length > 0) {
    const policyDev = score(data.policyDev);
    run('Pantau policy posts dev: seeded 15 % of models/policy-id/', policyDev);
    devSets.push(['policy dev', policyDev]);
  }
  const tuned = tuneAbstainRule(devSets.map(([, set]) => set));
  console.log(
    `Abstain rule shipped: ${JSON.stringify(ABSTAIN_RULE)}; chosen on these dev sets now: ` +
      `${JSON.stringify(tuned)} (${devSets
        .map(([name, set]) => `${name} ${macroF1(set, tuned).toFixed(4)}`)
        .join(', ')})\n`,
  );
  if (existsSync(POLICY_HELDOUT_DIR)) {
    console.log('# HELD-OUT policy posts (separate author; never trained or tuned on)\n');
    const heldout = loadPolicyHeldout(POLICY_HELDOUT_DIR);
    const scored = score(heldout.examples);
    run('Pantau policy posts held-out: models/policy-heldout/, all authors', scored);
    // The folder's examples are its parts in order, so each author's rows are one slice.
    let from = 0;
    for (const part of heldout.parts) {
      const slice = scored.slice(from, from + part.examples.length);
      from += part.examples.length;
      const result = evaluate(
        slice.map((s) => s.gold),
        emitted(slice),
      );
      console.log(
        `  ${part.file} (n=${part.examples.length}): accuracy ${result.accuracy.toFixed(4)}, ` +
          `macro-F1 ${result.macroF1.toFixed(4)}`,
      );
    }
    console.log();
  }
  console.log(
    '# OUT-OF-DOMAIN, evaluation only (licences forbid training on these; nothing tuned on them)\n',
  );
  run('id-vaccines-tweets (COVID-19 vaccination, 2021)', score(loadVaccines(args.data).examples));
  run('idsa (general tweets, noisy labels)', score(loadIdsa(args.data).examples));
  run('ikn-timeline (capital relocation, 2022)', score(loadIkn(args.data).examples));
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(`eval:sentiment: ${errorMessage(err)}`);
  process.exitCode = 1;
}
