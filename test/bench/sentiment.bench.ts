/**
 * Built-in sentiment: throughput on one core side by side with the npm `sentiment` package in the
 * same run, model file size, and model load time in a fresh process from an esbuild bundle (what
 * the score Lambda runs).
 *
 * Throughput is measured twice. "bundled" figures come from an esbuild bundle (ESM, minified, as
 * the Lambda is built) of this file with both engines inside, run in a child Node process: that is
 * what the score Lambda runs, and bundling changes the speed (esbuild turns every top-level
 * `const` into `var`, issue #3). "tsx" figures come from this process, unbundled, as before.
 *
 * What each contender does per post (same texts, same process, rounds alternate between them so
 * machine load hits all alike; ratios are medians of the per-round ratios to `sentiment`):
 * - sentiment: `new Sentiment().analyze(text)` (AFINN-165: tokenize, one lookup per word, a
 *   result object with its word lists).
 * - builtin: `scoreBuiltin` (tokenize, hashed unigram and bigram features, int8 linear model,
 *   softmax, abstain rule, the Sentiment object) with no language ID.
 * - builtin + language ID, two scans: `detectLanguage` then `scoreBuiltin`, as before issue #3's
 *   one-scan work.
 * - router path, one scan: what `createSentimentAnalyzer` (lib/sentiment/router.ts) runs per post
 *   without Comprehend: `detectAndScore` (language ID taken in the tokenizer's scan, then the
 *   built-in score from the same tokens) and, for the posts it identifies as English, the
 *   English lexicon (`scoreLexiconEn`, which is the `sentiment` package plus a label rule).
 * - router analyze(), batches of 256: the analyzer object itself over the sample in batches
 *   (input objects built beforehand, outputs in input order), per post.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Sentiment from 'sentiment';
import { houseEsbuildOptions } from '../../infra/bundling.ts';
import type { SentimentInput } from '../../lib/domain/ports.ts';
import {
  createBuiltinAnalyzer,
  detectAndScore,
  loadBuiltinModel,
  scoreBuiltin,
} from '../../lib/sentiment/builtin.ts';
import { detectLanguage } from '../../lib/sentiment/language.ts';
import { scoreLexiconEn } from '../../lib/sentiment/lexicon-en.ts';
import { createSentimentAnalyzer, engineFor } from '../../lib/sentiment/router.ts';
import { median } from './stats.ts';

const run$ = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const OPENERS = [
  'Pak, tolong dong',
  'Warga mengeluhkan',
  'Alhamdulillah',
  'Kecewa banget sama',
  'Info terbaru soal',
  'Terima kasih atas',
  'Kok bisa ya',
  'Mantap, akhirnya',
];
const TOPICS = [
  'harga beras yg naik terus di pasar',
  'bansos yg belum cair sampai sekarang',
  'jalan rusak di depan sekolah anak2',
  'antrian bpjs di puskesmas kecamatan',
  'banjir yg tiap tahun gak pernah selesai',
  'izin usaha online yg ribet bgt',
  'bus transjakarta yg makin tepat waktu',
  'pelayanan kelurahan yg sekarang cepat',
];
const TAILS = [
  'semoga cepat ditindaklanjuti 🙏',
  'parah sih ini 😡 #RakyatSusah',
  'keren pokoknya 👍 @pemkot',
  'gimana nih pak? https://t.co/x1y2',
  'sdh lapor tp blm ada respon',
  'warga senang, lanjutkan!',
];

/** Deterministic ~150-character posts built from the pieces above. */
function posts(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let text = `${OPENERS[i % OPENERS.length]} ${TOPICS[(i * 7) % TOPICS.length]}, ${TAILS[(i * 5) % TAILS.length]}`;
    while (text.length < 140) text += ` ${TOPICS[(i * 3 + text.length) % TOPICS.length]}`;
    out.push(text.slice(0, 160));
  }
  return out;
}

/**
 * Real tweets for a second, harder figure: the template posts repeat a few dozen words, which
 * keeps every per-word cache hot. The idsa tweets (../shared/data, evaluation-only data that is
 * never trained on) are read when present; the benchmark reads them, it does not ship them.
 */
function realTweets(max: number): string[] {
  const file = resolve(
    repoRoot,
    process.env.PANTAU_DATA_DIR ?? '../shared/data',
    'idsa/idsa_labeled.tsv',
  );
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.slice(line.indexOf('\t') + 1).trim())
    .filter((text) => text.length > 0)
    .slice(0, max);
}

/** Posts per second over at least `minMs`, whole passes over the sample. */
function throughput(sample: string[], fn: (text: string) => unknown, minMs = 1500): number {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  let sink = 0;
  while (elapsed < minMs) {
    for (const t of sample) {
      if (fn(t)) sink++;
    }
    n += sample.length;
    elapsed = performance.now() - start;
  }
  if (sink < 0) throw new Error('unreachable');
  return (n / elapsed) * 1000;
}

/** Posts per second of `analyze` over `batches`, whole passes, at least `minMs`. */
async function batchThroughput(
  batches: SentimentInput[][],
  analyze: (batch: SentimentInput[]) => Promise<unknown[]>,
  minMs = 1500,
): Promise<number> {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (const batch of batches) n += (await analyze(batch)).length;
    elapsed = performance.now() - start;
  }
  return (n / elapsed) * 1000;
}

type Contender = (sample: string[], batches: SentimentInput[][]) => Promise<number> | number;

/** Rounds per sample, and each contender's time per round. */
const ROUNDS = 9;
const ROUND_MS = 600;

/**
 * Throughput of each contender over `rounds` rounds, alternating (the order reverses every round,
 * so no contender always runs right after the same one); per contender the median posts/s and
 * the median of its per-round ratios to `reference`.
 */
async function compare(
  sample: string[],
  contenders: Record<string, Contender>,
  reference: string,
  rounds: number,
): Promise<Record<string, { perSecond: number; ratio: number }>> {
  const batches: SentimentInput[][] = [];
  for (let i = 0; i < sample.length; i += 256) {
    batches.push(
      sample.slice(i, i + 256).map((text, k) => ({ id: String(i + k), text, lang: 'in' })),
    );
  }
  const names = Object.keys(contenders);
  const perSecond: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const ratios: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    const got: Record<string, number> = {};
    for (const name of order) got[name] = await (contenders[name] as Contender)(sample, batches);
    for (const name of names) {
      perSecond[name]?.push(got[name] as number);
      ratios[name]?.push((got[name] as number) / (got[reference] as number));
    }
  }
  return Object.fromEntries(
    names.map((name) => [
      name,
      { perSecond: median(perSecond[name] ?? []), ratio: median(ratios[name] ?? []) },
    ]),
  );
}

async function loadTimes(): Promise<{
  loadMs: number;
  loadWithParseMs: number;
  firstScoreMs: number;
  bundleBytes: number;
}> {
  const out = mkdtempSync(join(tmpdir(), 'pantau-sentiment-bench-'));
  // In-process: the analyzer's module (with the inlined model) imported, then the model built.
  const dynamicEntry = `
    const t0 = performance.now();
    const { loadBuiltinModel } = await import('./lib/sentiment/builtin.ts');
    const model = loadBuiltinModel();
    const t1 = performance.now();
    model.predict('harga beras naik lagi, rakyat makin susah');
    const t2 = performance.now();
    process.stdout.write(JSON.stringify({ loadMs: t1 - t0, firstScoreMs: t2 - t1 }));
  `;
  // What a cold start pays, imported statically as the score handler does: reading, compiling
  // and evaluating the bundle, then building the model. performance.now() counts from process
  // start, so this is compared with an empty script. (A dynamic import, as above, makes esbuild
  // wrap the module in a lazy function that V8 parses twice: it overstates this figure.)
  const staticEntry = `
    import { loadBuiltinModel } from './lib/sentiment/builtin.ts';
    loadBuiltinModel();
    process.stdout.write(JSON.stringify({ sinceStartMs: performance.now() }));
  `;
  const code = await bundleLikeLambda(dynamicEntry);
  writeFileSync(join(out, 'index.mjs'), code);
  writeFileSync(join(out, 'static.mjs'), await bundleLikeLambda(staticEntry));
  writeFileSync(
    join(out, 'empty.mjs'),
    'process.stdout.write(JSON.stringify({ sinceStartMs: performance.now() }));',
  );
  const since = async (file: string): Promise<number> =>
    (
      JSON.parse((await run$(process.execPath, [file], { cwd: out })).stdout) as {
        sinceStartMs: number;
      }
    ).sinceStartMs;
  const loads: number[] = [];
  const withParse: number[] = [];
  const firsts: number[] = [];
  for (let i = 0; i < 7; i++) {
    const { stdout } = await run$(process.execPath, ['index.mjs'], { cwd: out });
    const r = JSON.parse(stdout) as { loadMs: number; firstScoreMs: number };
    loads.push(r.loadMs);
    firsts.push(r.firstScoreMs);
    withParse.push((await since('static.mjs')) - (await since('empty.mjs')));
  }
  return {
    loadMs: median(loads),
    loadWithParseMs: median(withParse),
    firstScoreMs: median(firsts),
    bundleBytes: Buffer.byteLength(code),
  };
}

/**
 * The throughput figures, measured in the calling process: under tsx from `run`, or inside the
 * esbuild bundle `bundledThroughput` runs.
 */
async function measureThroughput(): Promise<Record<string, number | string>> {
  const sample = posts(2000);
  const meanChars = sample.reduce((a, t) => a + t.length, 0) / sample.length;
  const model = loadBuiltinModel();
  const afinn = new Sentiment();
  const now = new Date().toISOString();
  const router = createSentimentAnalyzer({ region: 'ap-southeast-3', comprehendEnabled: false });
  // The router's engine choice without Comprehend: English goes to the lexicon.
  const builtinScores = (lang: string) => engineFor(lang, false) === 'builtin';
  const contenders: Record<string, Contender> = {
    sentiment: (texts) => throughput(texts, (t) => afinn.analyze(t), ROUND_MS),
    builtin: (texts) => throughput(texts, (t) => scoreBuiltin(model, t, now), ROUND_MS),
    'builtin + language ID, two scans': (texts) =>
      throughput(
        texts,
        (t) => {
          detectLanguage(t, 'in');
          return scoreBuiltin(model, t, now);
        },
        ROUND_MS,
      ),
    'router path, one scan': (texts) =>
      throughput(
        texts,
        (t) => {
          const r = detectAndScore(model, t, 'in', now, builtinScores);
          return r.sentiment ?? scoreLexiconEn(t, now);
        },
        ROUND_MS,
      ),
    'router analyze(), batches of 256': (_, batches) =>
      batchThroughput(batches, (batch) => router.analyze(batch), ROUND_MS),
  };
  // Warm every contender up (and the model past its first 1,000 predictions).
  for (const c of Object.values(contenders)) {
    const warm = sample.slice(0, 1024);
    await c(warm, [warm.map((text, k) => ({ id: String(k), text, lang: 'in' }))]);
  }
  // Many short rounds rather than a few long ones: the shared machine's load swings within
  // seconds, and a per-round ratio only compares contenders measured moments apart.
  const template = await compare(sample, contenders, 'sentiment', ROUNDS);
  const tweets = realTweets(8000);
  const real =
    tweets.length > 0 ? await compare(tweets, contenders, 'sentiment', ROUNDS) : undefined;

  const figures = (
    label: string,
    r: Record<string, { perSecond: number; ratio: number }>,
  ): Record<string, number> => ({
    [`${label}: sentiment (AFINN), posts/s`]: r.sentiment?.perSecond ?? 0,
    [`${label}: builtin, posts/s`]: r.builtin?.perSecond ?? 0,
    [`${label}: builtin / sentiment`]: r.builtin?.ratio ?? 0,
    [`${label}: builtin + language ID (two scans) / sentiment`]:
      r['builtin + language ID, two scans']?.ratio ?? 0,
    [`${label}: router path (one scan) / sentiment`]: r['router path, one scan']?.ratio ?? 0,
    [`${label}: router analyze() batches / sentiment`]:
      r['router analyze(), batches of 256']?.ratio ?? 0,
  });
  const realFigures: Record<string, number | string> = real
    ? { 'real tweets (idsa), posts': tweets.length, ...figures('real tweets', real) }
    : { 'real tweets (idsa)': 'skipped: ../shared/data/idsa not found' };

  const analyzer = createBuiltinAnalyzer();
  const batchStart = performance.now();
  await analyzer.analyze(sample.map((text, i) => ({ id: String(i), text, lang: 'in' })));
  const batchMs = performance.now() - batchStart;

  return {
    'model version': model.version,
    node: process.version,
    'sample posts': sample.length,
    'mean post length (chars)': meanChars,
    ...figures('template posts', template),
    'analyzer batch of 2000, ms': batchMs,
    ...realFigures,
  };
}

/**
 * measureThroughput inside one esbuild bundle of this file (both engines, the model inlined;
 * ESM, minified, like the Lambda's bundle), run in a child process of this Node.
 */
async function bundledThroughput(): Promise<Record<string, number | string>> {
  const out = mkdtempSync(join(tmpdir(), 'pantau-sentiment-bench-'));
  const entry = `
    import { measureThroughput } from './test/bench/sentiment.bench.ts';
    process.stdout.write(JSON.stringify(await measureThroughput()));
  `;
  // Only bundleLikeLambda imports esbuild, and the bundle never calls it.
  const code = await bundleLikeLambda(entry, ['esbuild']);
  writeFileSync(join(out, 'throughput.mjs'), code);
  // The bundle's own location says nothing about the repository: hand it the data directory.
  const dataDir = resolve(repoRoot, process.env.PANTAU_DATA_DIR ?? '../shared/data');
  const { stdout } = await run$(process.execPath, ['throughput.mjs'], {
    cwd: out,
    env: { ...process.env, PANTAU_DATA_DIR: dataDir },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, number | string>;
}

/**
 * `entry` (TypeScript, resolved from the repository root) bundled with the house options the
 * Lambdas deploy with (infra/bundling.ts), in memory and so without a source map (the bundles
 * benchmark measures what the map costs at load).
 */
async function bundleLikeLambda(entry: string, external: string[] = []): Promise<string> {
  // Imported here, not at the top: the throughput bundle contains this file and runs where
  // esbuild cannot be resolved; it never calls this function.
  const { build } = await import('esbuild');
  const house = houseEsbuildOptions();
  const result = await build({
    ...house,
    sourcemap: false,
    stdin: { contents: entry, resolveDir: repoRoot, loader: 'ts', sourcefile: 'entry.ts' },
    external: [...(house.external ?? []), ...external],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

/** `figures` with every name prefixed by `label`. */
function labelled(
  label: string,
  figures: Record<string, number | string>,
): Record<string, number | string> {
  return Object.fromEntries(Object.entries(figures).map(([k, v]) => [`${label}: ${k}`, v]));
}

async function run(): Promise<Record<string, number | string>> {
  const bundled = await bundledThroughput();
  const tsx = await measureThroughput();
  const load = await loadTimes();
  const modelBytes = statSync(join(repoRoot, 'models/sentiment-id.json')).size;
  return {
    ...labelled('bundled (esbuild, as the Lambda runs)', bundled),
    ...labelled('tsx (unbundled)', tsx),
    'model file size, bytes': modelBytes,
    'model file size, MB': modelBytes / 1024 / 1024,
    'model load in fresh process (bundle: import + build), ms median of 7': load.loadMs,
    'cold start cost of the analyzer bundle with the model, static import as the handler (read + compile + evaluate + build), ms vs an empty script':
      load.loadWithParseMs,
    'first score after load, ms': load.firstScoreMs,
    'bundle size (model + scorer), bytes': load.bundleBytes,
  };
}

export { measureThroughput, run };
