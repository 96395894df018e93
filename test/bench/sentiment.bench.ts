/**
 * Built-in sentiment: throughput on one core (posts of about 150 characters) side by side with
 * the npm `sentiment` package in the same run, model file size, and model load time in a fresh
 * process from an esbuild bundle (what the score Lambda runs).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import Sentiment from 'sentiment';
import {
  createBuiltinAnalyzer,
  loadBuiltinModel,
  scoreBuiltin,
} from '../../lib/sentiment/builtin.ts';
import { detectLanguage } from '../../lib/sentiment/language.ts';

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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function loadTimes(): Promise<{
  loadMs: number;
  loadWithParseMs: number;
  firstScoreMs: number;
  bundleBytes: number;
}> {
  const out = mkdtempSync(join(tmpdir(), 'pantau-sentiment-bench-'));
  const entry = `
    const t0 = performance.now();
    const { loadBuiltinModel } = await import('./lib/sentiment/builtin.ts');
    const model = loadBuiltinModel();
    const t1 = performance.now();
    model.predict('harga beras naik lagi, rakyat makin susah');
    const t2 = performance.now();
    // performance.now() counts from process start, so t1 also includes parsing the bundle
    // (the inlined model), which t1 - t0 does not see.
    process.stdout.write(JSON.stringify({ loadMs: t1 - t0, sinceStartMs: t1, firstScoreMs: t2 - t1 }));
  `;
  const result = await build({
    stdin: { contents: entry, resolveDir: repoRoot, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  writeFileSync(join(out, 'index.mjs'), code);
  writeFileSync(
    join(out, 'empty.mjs'),
    'process.stdout.write(JSON.stringify({ sinceStartMs: performance.now() }));',
  );
  const loads: number[] = [];
  const withParse: number[] = [];
  const firsts: number[] = [];
  for (let i = 0; i < 7; i++) {
    const { stdout } = await run$(process.execPath, ['index.mjs'], { cwd: out });
    const r = JSON.parse(stdout) as { loadMs: number; sinceStartMs: number; firstScoreMs: number };
    const empty = JSON.parse(
      (await run$(process.execPath, ['empty.mjs'], { cwd: out })).stdout,
    ) as {
      sinceStartMs: number;
    };
    loads.push(r.loadMs);
    withParse.push(r.sinceStartMs - empty.sinceStartMs);
    firsts.push(r.firstScoreMs);
  }
  return {
    loadMs: median(loads),
    loadWithParseMs: median(withParse),
    firstScoreMs: median(firsts),
    bundleBytes: Buffer.byteLength(code),
  };
}

async function run(): Promise<Record<string, number | string>> {
  const sample = posts(2000);
  const meanChars = sample.reduce((a, t) => a + t.length, 0) / sample.length;
  const model = loadBuiltinModel();
  const afinn = new Sentiment();
  const now = new Date().toISOString();
  // Warm both up, then alternate rounds so machine load hits both alike.
  throughput(sample, (t) => model.predict(t), 300);
  throughput(sample, (t) => afinn.analyze(t), 300);
  const builtinModel: number[] = [];
  const builtinWithLang: number[] = [];
  const peer: number[] = [];
  for (let round = 0; round < 3; round++) {
    builtinModel.push(throughput(sample, (t) => scoreBuiltin(model, t, now)));
    builtinWithLang.push(
      throughput(sample, (t) => {
        detectLanguage(t, 'in');
        return scoreBuiltin(model, t, now);
      }),
    );
    peer.push(throughput(sample, (t) => afinn.analyze(t)));
  }
  const tweets = realTweets(8000);
  const real: { builtin: number[]; withLang: number[]; peer: number[] } = {
    builtin: [],
    withLang: [],
    peer: [],
  };
  for (let round = 0; round < (tweets.length > 0 ? 3 : 0); round++) {
    real.builtin.push(throughput(tweets, (t) => scoreBuiltin(model, t, now)));
    real.withLang.push(
      throughput(tweets, (t) => {
        detectLanguage(t, 'in');
        return scoreBuiltin(model, t, now);
      }),
    );
    real.peer.push(throughput(tweets, (t) => afinn.analyze(t)));
  }
  const realFigures: Record<string, number | string> =
    tweets.length > 0
      ? {
          'real tweets (idsa), posts': tweets.length,
          'real tweets: builtin / sentiment ratio': median(real.builtin) / median(real.peer),
          'real tweets: builtin + language ID / sentiment ratio':
            median(real.withLang) / median(real.peer),
        }
      : { 'real tweets (idsa)': 'skipped: ../shared/data/idsa not found' };

  const analyzer = createBuiltinAnalyzer();
  const batchStart = performance.now();
  await analyzer.analyze(sample.map((text, i) => ({ id: String(i), text, lang: 'in' })));
  const batchMs = performance.now() - batchStart;

  const load = await loadTimes();
  const modelBytes = statSync(join(repoRoot, 'models/sentiment-id.json')).size;
  const builtin = median(builtinModel);
  const reference = median(peer);
  return {
    'model version': model.version,
    'sample posts': sample.length,
    'mean post length (chars)': meanChars,
    'builtin scoring, posts/s (1 core)': builtin,
    'builtin scoring + language ID, posts/s': median(builtinWithLang),
    'npm sentiment@5 (AFINN), posts/s (same run)': reference,
    'builtin / sentiment throughput ratio': builtin / reference,
    // The score Lambda runs language ID on every post before scoring it.
    'builtin + language ID / sentiment ratio': median(builtinWithLang) / reference,
    'analyzer batch of 2000, ms': batchMs,
    'model file size, bytes': modelBytes,
    'model file size, MB': modelBytes / 1024 / 1024,
    ...realFigures,
    'model load in fresh process (bundle), ms median of 7': load.loadMs,
    // What a cold start pays: parsing the bundle with the inlined model, then building it.
    'model load incl. bundle parse, ms (vs an empty script)': load.loadWithParseMs,
    'first score after load, ms': load.firstScoreMs,
    'bundle size (model + scorer), bytes': load.bundleBytes,
  };
}

export { run };
