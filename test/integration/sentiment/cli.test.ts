import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { houseEsbuildOptions } from '../../../infra/bundling.ts';
import type { SentimentAnalyzer } from '../../../lib/domain/ports.ts';
import { BUILTIN_MODEL_VERSION, createSentimentAnalyzer } from '../../../lib/sentiment/index.ts';
import { LEXICON_EN_MODEL } from '../../../lib/sentiment/lexicon-en.ts';
import { scoreLines } from '../../../lib/sentiment/stream.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function runNode(
  args: string[],
  stdin: string,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, AWS_REGION: 'ap-southeast-3', SENTIMENT_COMPREHEND_ENABLED: 'false' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const POSTS = [
  'pelayanan kelurahan lambat banget, udah 3 jam antri 😡',
  'terima kasih pak, jalan sudah mulus sekarang 👍',
  '',
  'The new bus line is great',
];

function checkOutput(stdout: string): void {
  const lines = stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(POSTS.length);
  const objs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  for (const o of objs) {
    expect(Object.keys(o)).toEqual(['label', 'scores', 'lang', 'engine', 'model']);
    expect(['POSITIVE', 'NEGATIVE', 'NEUTRAL', 'MIXED']).toContain(o.label);
  }
  expect(objs[0]).toMatchObject({
    label: 'NEGATIVE',
    lang: 'id',
    engine: 'builtin',
    model: BUILTIN_MODEL_VERSION,
  });
  expect(objs[1]).toMatchObject({ label: 'POSITIVE', lang: 'id', engine: 'builtin' });
  expect(objs[2]).toMatchObject({ label: 'NEUTRAL', lang: 'und', engine: 'builtin' });
  expect(objs[3]).toMatchObject({ label: 'POSITIVE', lang: 'en', engine: 'lexicon-en' });
}

describe('pantau sentiment (CLI)', () => {
  it('reads one post per line from stdin and writes one JSON object per line', async () => {
    const r = await runNode(
      ['--import', 'tsx', 'lib/cli/main.ts', 'sentiment'],
      `${POSTS.join('\n')}\n`,
      repoRoot,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    checkOutput(r.stdout);
  });

  it('exits 2 on an unknown option', async () => {
    const r = await runNode(
      ['--import', 'tsx', 'lib/cli/main.ts', 'sentiment', '--bogus'],
      '',
      repoRoot,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });
});

describe('scoreLines', () => {
  it('streams: never hands the analyzer more than one batch, and writes before the input ends', async () => {
    const total = 20_000;
    let produced = 0;
    let producedAtFirstWrite = -1;
    let maxBatch = 0;
    const inner = createSentimentAnalyzer({ region: 'ap-southeast-3', comprehendEnabled: false });
    const analyzer: SentimentAnalyzer = {
      analyze: (inputs) => {
        maxBatch = Math.max(maxBatch, inputs.length);
        return inner.analyze(inputs);
      },
    };
    const input = Readable.from(
      (function* () {
        for (let i = 0; i < total; i++) {
          produced++;
          yield `${i % 2 ? 'bagus sekali' : 'jelek sekali'} ${i}\n`;
        }
      })(),
    );
    const labels: string[] = [];
    let buffered = '';
    const output = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        if (producedAtFirstWrite < 0) producedAtFirstWrite = produced;
        buffered += chunk.toString('utf8');
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        for (const p of parts) labels.push((JSON.parse(p) as { label: string }).label);
        cb();
      },
    });
    const n = await scoreLines(input, output, { analyzer, batchSize: 100 });
    expect(n).toBe(total);
    expect(labels).toHaveLength(total);
    expect(maxBatch).toBe(100);
    expect(producedAtFirstWrite).toBeLessThan(total);
    // Output order is input order.
    expect(labels[0]).toBe('NEGATIVE');
    expect(labels[1]).toBe('POSITIVE');
    expect(labels[total - 1]).toBe('POSITIVE');
  });
});

describe('Lambda bundle', () => {
  it('carries the model and the English lexicon inside an esbuild ESM bundle and scores from an unrelated folder', async () => {
    const out = mkdtempSync(join(tmpdir(), 'pantau-bundle-'));
    const entry = `
      import { createSentimentAnalyzer, BUILTIN_MODEL_VERSION } from './lib/sentiment/index.ts';
      const analyzer = createSentimentAnalyzer({ region: 'ap-southeast-3', comprehendEnabled: false });
      const [id, en, enNeg] = await analyzer.analyze([
        { id: '1', text: 'pelayanannya buruk sekali, kecewa', lang: 'in' },
        { id: '2', text: 'The new bus line is great and the drivers are very friendly', lang: 'en' },
        { id: '3', text: 'The flood response was terrible and the officials are useless', lang: 'en' },
      ]);
      const pick = (o) => ({ label: o.sentiment.label, engine: o.sentiment.engine, model: o.sentiment.model });
      console.log(JSON.stringify({ version: BUILTIN_MODEL_VERSION, id: pick(id), en: pick(en), enNeg: pick(enNeg) }));
    `;
    // The house options (infra/bundling.ts) include the createRequire banner, so the AWS SDK can
    // require() Node builtins. It cannot rescue a require() of a package file that was never
    // bundled, which is what the npm sentiment package's language loader did: hence no warnings
    // and no '../languages/' path. In memory, so without a source map.
    const result = await build({
      ...houseEsbuildOptions(),
      sourcemap: false,
      stdin: { contents: entry, resolveDir: repoRoot, loader: 'ts', sourcefile: 'entry.ts' },
      write: false,
      logLevel: 'silent',
    });
    expect(result.warnings.map((w) => w.text)).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).not.toContain('../languages/');
    writeFileSync(join(out, 'index.mjs'), code);
    const r = await runNode(['index.mjs'], '', out);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      version: BUILTIN_MODEL_VERSION,
      id: { label: 'NEGATIVE', engine: 'builtin', model: BUILTIN_MODEL_VERSION },
      en: { label: 'POSITIVE', engine: 'lexicon-en', model: LEXICON_EN_MODEL },
      enNeg: { label: 'NEGATIVE', engine: 'lexicon-en', model: LEXICON_EN_MODEL },
    });
  });
});
