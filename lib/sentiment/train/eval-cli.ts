/**
 * `npm run eval:sentiment [-- --data DIR] [--model FILE]`
 * Scores the artifact on the dev data carved from the training data (the seeded SmSA slice, plus
 * NusaX valid), then, clearly apart, on out-of-domain policy tweets it was never trained on.
 */
import { readFileSync } from 'node:fs';
import { errorMessage } from '../../domain/errors.ts';
import { argmax, fromArtifact, MODEL_LABELS, type ModelArtifact } from '../model.ts';
import { parseArgs } from './args.ts';
import { type Example, loadIdsa, loadIkn, loadVaccines } from './data.ts';
import { evaluate, formatReport } from './metrics.ts';
import { loadTrainingData } from './pipeline.ts';

function main(argv: string[]): number {
  const args = parseArgs(argv);
  if (args.help) {
    console.log('Usage: npm run eval:sentiment -- [--data DIR] [--model FILE]');
    return 0;
  }
  const artifact = JSON.parse(readFileSync(args.model, 'utf8')) as ModelArtifact;
  const model = fromArtifact(artifact);
  const data = loadTrainingData(args.data, artifact.manifest.seed);
  const run = (title: string, examples: Example[]) => {
    const predicted = examples.map(
      (e) => MODEL_LABELS[argmax(model.predict(e.text))] as (typeof MODEL_LABELS)[number],
    );
    console.log(
      formatReport(
        title,
        evaluate(
          examples.map((e) => e.label),
          predicted,
        ),
      ),
    );
    console.log();
  };
  console.log(`# ${artifact.manifest.name} ${artifact.manifest.version}\n`);
  console.log('# Dev (carved from training data, never trained on)\n');
  run('SmSA dev: seeded 10 % of smsa/train.tsv', data.smsaDev);
  run('NusaX-senti-id valid', data.nusaxValid);
  console.log(
    '# OUT-OF-DOMAIN, evaluation only (licences forbid training on these; not tuned on)\n',
  );
  run('id-vaccines-tweets (COVID-19 vaccination, 2021)', loadVaccines(args.data).examples);
  run('idsa (general tweets, noisy labels)', loadIdsa(args.data).examples);
  run('ikn-timeline (capital relocation, 2022)', loadIkn(args.data).examples);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(`eval:sentiment: ${errorMessage(err)}`);
  process.exitCode = 1;
}
