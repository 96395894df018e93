/**
 * The local runtime's figures: time from `npm start` to /health 200 and to the first scored
 * mention (offline, fresh data directory), and how many mentions per second the local flow
 * collects and scores end to end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../lib/local/dynamodb-local.ts';
import { startLocalRuntime } from '../../lib/local/runtime.ts';
import { silentLog } from '../../lib/runtime/log.ts';

const TOKEN = 'bench-token-local-flow';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return performance.now() - started;
    await sleep(100);
  }
  throw new Error('timed out');
}

async function startToFirstScore(): Promise<{ health: number; firstScored: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pantau-bench-start-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/cli/main.ts', 'start'], {
    env: {
      ...process.env,
      PORT: String(port),
      PANTAU_DATA_DIR: dataDir,
      PANTAU_OFFLINE: '1',
      PANTAU_DEMO_TOKEN: TOKEN,
    },
    stdio: process.env.BENCH_VERBOSE ? 'inherit' : 'ignore',
  });
  const started = performance.now();
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/health`)).status === 200, 120_000);
    const health = performance.now() - started;
    await waitFor(async () => {
      // Any scored mention counts: the newest ones may still be on their way to the scorer.
      const res = await fetch(`${base}/v1/issues/demo-1/mentions?limit=200&sort=oldest`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const body = (await res.json()) as { items?: { sentiment?: unknown }[] };
      return (body.items ?? []).some((m) => m.sentiment !== undefined);
    }, 180_000);
    return { health, firstScored: performance.now() - started };
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function flowThroughput(): Promise<{ mentions: number; seconds: number }> {
  process.env.PANTAU_DEMO_BACKFILL_MINUTES = '480';
  process.env.PANTAU_DEMO_POSTS_PER_RUN = '100000';
  const dataDir = mkdtempSync(join(tmpdir(), 'pantau-bench-flow-'));
  const runtime = await startLocalRuntime({
    port: 0,
    inMemory: true,
    dataDir,
    demoToken: TOKEN,
    schedules: {},
    log: silentLog,
  });
  try {
    const started = performance.now();
    const report = (await runtime.collect('demo')) as { written: number };
    await runtime.pollers.whenIdle(600_000);
    const seconds = (performance.now() - started) / 1000;
    const scored = runtime.pollers.stats().score?.delivered ?? 0;
    if (scored !== report.written) throw new Error(`scored ${scored} of ${report.written}`);
    return { mentions: scored, seconds };
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function run(): Promise<Record<string, number | string>> {
  const start = await startToFirstScore();
  const flow = await flowThroughput();
  return {
    'npm start → /health 200 (s)': start.health / 1000,
    'npm start → first scored mention (s)': start.firstScored / 1000,
    'local flow: mentions collected+scored': flow.mentions,
    'local flow: wall time (s)': flow.seconds,
    'local flow: mentions/s (collect→score→buckets)': flow.mentions / flow.seconds,
  };
}

export { run };
