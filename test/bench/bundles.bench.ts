/**
 * Bundle size and cold module-load time of each Lambda entry, bundled the way the house function
 * construct bundles it (infra/bundling.ts: ESM, minified, node22, SDK bundled), next to a
 * reference bundle of the AWS SDK clients the functions use plus @middy/core.
 *
 * Load time: a fresh Node 22 process (node_modules/.bin/node, the runtime Lambda runs) imports
 * the bundle; the figure is the median of the import alone, process start excluded, over RUNS
 * processes. Handlers read configuration at module scope, so the processes get the environment
 * the stack gives them (with placeholder names: nothing is called).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import {
  FUNCTION_ENTRIES,
  type FunctionRole,
  HOUSE_BUNDLING,
  houseEsbuildOptions,
} from '../../infra/bundling.ts';
import { median } from './stats.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODE = path.join(REPO_ROOT, 'node_modules', '.bin', 'node');
const RUNS = 5;

const REFERENCE_SOURCE = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ComprehendClient } from '@aws-sdk/client-comprehend';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const clients = [ddb, new ComprehendClient({}), new SNSClient({})];
export const handler = middy(async () => clients.length);
`;

/** What the stack sets (infra/constructs/*), with placeholder values. */
const LAMBDA_LIKE_ENV: Record<string, string> = {
  // The house construct turns source maps on for every function, and Node then reads and parses
  // each bundle's map while it loads the bundle: part of every cold start.
  ...(HOUSE_BUNDLING.sourcemap ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
  AWS_REGION: 'ap-southeast-3',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  STAGE: 'bench',
  TABLE_NAME: 'pantau-bench',
  POWERTOOLS_SERVICE_NAME: 'pantau',
  POWERTOOLS_METRICS_NAMESPACE: 'Pantau',
  LOG_LEVEL: 'ERROR',
  MENTION_RETENTION_DAYS: '90',
  COLLECT_SOURCE: 'rss',
  SOURCE_PARAMETER_PREFIX: '/pantau/bench/sources',
  SENTIMENT_COMPREHEND_ENABLED: 'false',
  ALERT_TOPIC_ARN: 'arn:aws:sns:ap-southeast-3:000000000000:pantau-bench',
  PUBLIC_BASE_URL: 'https://pantau.example.go.id',
  AUTH_MODE: 'cognito',
  USER_POOL_ID: 'ap-southeast-3_bench',
  CURSOR_SECRET_ARN: 'arn:aws:secretsmanager:ap-southeast-3:000000000000:secret:bench',
};

const LOADER = `
const started = performance.now();
await import(process.argv[1]);
process.stdout.write(JSON.stringify({ ms: performance.now() - started }));
`;

function houseOptions(outfile: string): BuildOptions {
  return {
    ...houseEsbuildOptions(),
    outfile,
    logLevel: 'silent',
  };
}

/** Median import time in ms, or the first error line if the module throws at load. */
function loadTime(file: string): number | string {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const child = spawnSync(NODE, ['--input-type=module', '-e', LOADER, pathToFileURL(file).href], {
      env: { PATH: process.env.PATH ?? '', ...LAMBDA_LIKE_ENV },
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (child.status !== 0) {
      const line = (child.stderr || child.stdout).split('\n').find((l) => /Error/.test(l));
      return `load failed: ${line ?? `exit ${child.status}`}`;
    }
    times.push((JSON.parse(child.stdout) as { ms: number }).ms);
  }
  return median(times);
}

function measure(name: string, file: string, figures: Record<string, number | string>): void {
  const bytes = readFileSync(file);
  figures[`${name}.bytes`] = statSync(file).size;
  figures[`${name}.gzip_bytes`] = gzipSync(bytes).length;
  figures[`${name}.load_ms_median`] = loadTime(file);
}

async function run(): Promise<Record<string, number | string>> {
  const out = mkdtempSync(path.join(tmpdir(), 'pantau-bundles-'));
  const figures: Record<string, number | string> = { runs_per_bundle: RUNS };
  try {
    const reference = path.join(out, 'reference', 'index.mjs');
    await build({
      ...houseOptions(reference),
      stdin: {
        contents: REFERENCE_SOURCE,
        resolveDir: REPO_ROOT,
        sourcefile: 'reference.ts',
        loader: 'ts',
      },
    });
    measure('reference_sdk_middy', reference, figures);

    for (const role of Object.keys(FUNCTION_ENTRIES) as FunctionRole[]) {
      const entry = path.join(REPO_ROOT, FUNCTION_ENTRIES[role]);
      if (!existsSync(entry)) {
        figures[`${role}.status`] = `skipped: ${FUNCTION_ENTRIES[role]} does not exist yet`;
        continue;
      }
      const outfile = path.join(out, role, 'index.mjs');
      await build({ ...houseOptions(outfile), entryPoints: [entry] });
      measure(role, outfile, figures);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return figures;
}

export { run };
