/**
 * Backtest throughput: one million mentions as JSON lines (30 days, a Poisson daily curve and
 * one negative surge), streamed from a temporary file through runBacktest, the code behind
 * `pantau backtest`. Also the replay alone, in detector steps per second.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { runBacktest } from '../../lib/detection/backtest.ts';
import { replayWindows, resolveParams } from '../../lib/detection/index.ts';
import { scenario } from '../unit/detection/scenarios.ts';
import { mulberry32 } from '../unit/detection/scenarios.ts';

const MENTIONS = 1_000_000;
const DAYS = 30;

async function writeMentions(file: string): Promise<void> {
  const rng = mulberry32(42);
  const out = createWriteStream(file);
  const start = Date.parse('2026-03-01T17:00:00.000Z');
  const span = DAYS * 86_400_000;
  const surge = start + 20 * 86_400_000 + 3 * 3_600_000;
  const labels = ['POSITIVE', 'NEGATIVE', 'NEUTRAL', 'NEUTRAL', 'POSITIVE'];
  for (let i = 0; i < MENTIONS; i++) {
    // Mostly uniform in time; 2% land in one 30-minute negative surge.
    const inSurge = rng() < 0.02;
    const t = inSurge ? surge + rng() * 1_800_000 : start + rng() * span;
    const sentiment = inSurge ? 'NEGATIVE' : labels[Math.floor(rng() * labels.length)];
    const line = JSON.stringify({
      id: `m${i}`,
      source: 'x',
      text: 'Harga beras naik lagi di pasar induk',
      createdAt: new Date(t).toISOString(),
      sentiment,
    });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function run(): Promise<Record<string, number | string>> {
  const dir = await mkdtemp(join(tmpdir(), 'pantau-bench-'));
  try {
    const file = join(dir, 'mentions.jsonl');
    await writeMentions(file);
    const params = resolveParams({});
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await runBacktest({ input: createReadStream(file), params });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);

    const timeline = scenario('abrupt-surge', 7).windows;
    const t1 = performance.now();
    const replay = replayWindows(timeline, params);
    const replaySeconds = (performance.now() - t1) / 1000;

    return {
      backtest_mentions: result.mentions,
      backtest_seconds: Number(seconds.toFixed(2)),
      backtest_cpu_seconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      backtest_mentions_per_s: Math.round(result.mentions / seconds),
      backtest_alerts_raised: result.raised,
      replay_steps: replay.steps,
      replay_steps_per_s: Math.round(replay.steps / replaySeconds),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export { run };
