/**
 * `npm run train:sentiment [-- --data DIR] [--extra corrections.tsv] [--out FILE]`
 * Trains the built-in model from SmSA (minus the seeded dev slice), NusaX train, IndoLEM and
 * Pantau's authored policy-domain posts, plus optional corrections, and writes the versioned artifact. Same data and seed give the same bytes.
 */
import { writeFileSync } from 'node:fs';
import { errorMessage } from '../../domain/errors.ts';
import { POLICY_DIR, parseArgs, REVIEW_DIR } from './args.ts';
import { buildArtifact, DEFAULT_TRAIN_OPTIONS, loadTrainingData } from './pipeline.ts';

const USAGE = `Usage: npm run train:sentiment -- [--data DIR] [--extra FILE] [--out FILE] [--no-policy] [--review]
  --data DIR    dataset folder (default ../shared/data from the repo root)
  --no-policy   leave out Pantau's authored policy-domain set (models/policy-id/)
  --review      also train on Pantau's authored review-style texts (models/review-id/; not in the
                shipped model: they lower SmSA's cross-validated macro-F1, see docs/sentiment.md)
  --extra FILE  corrections TSV, one 'text<TAB>label' a line (POSITIVE|NEGATIVE|NEUTRAL; MIXED skipped)
  --out FILE    artifact path (default models/sentiment-id.json)`;

function main(argv: string[]): number {
  const args = parseArgs(argv);
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const started = Date.now();
  const data = loadTrainingData(args.data, DEFAULT_TRAIN_OPTIONS.seed, {
    extraFile: args.extra,
    policyDir: args.policy ? POLICY_DIR : undefined,
    reviewDir: args.review ? REVIEW_DIR : undefined,
  });
  const artifact = buildArtifact(data);
  const json = `${JSON.stringify(artifact)}\n`;
  writeFileSync(args.out, json);
  for (const d of artifact.manifest.datasets) console.error(`  ${d.name}: ${d.rows} rows`);
  if (data.skippedMixed > 0)
    console.error(`  corrections: ${data.skippedMixed} MIXED rows skipped`);
  console.error(
    `Wrote ${args.out}: ${artifact.manifest.version}, ${data.train.length} training rows, ` +
      `${(json.length / 1024 / 1024).toFixed(2)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(`train:sentiment: ${errorMessage(err)}`);
  process.exitCode = 1;
}
