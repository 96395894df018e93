/**
 * Backtest throughput: one million mentions as JSON lines (30 days, a Poisson daily curve and
 * one negative surge), streamed from a temporary file through runBacktest, the code behind
 * `pantau backtest`. Also the replay alone, in detector steps per second, and the detection
 * figures of the synthetic scenarios (docs/alerts.md).
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBacktest } from '../../lib/detection/backtest.ts';
import { replayWindows, resolveParams } from '../../lib/detection/index.ts';
import { mulberry32, SCENARIOS, scenario } from '../unit/detection/scenarios.ts';

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

/**
 * Detection figures per synthetic scenario over 30 seeds: how many runs raised after the event,
 * the median and worst delay to the first raise, and raises before the event (false alarms).
 */
function scenarioFigures(): Record<string, number | string> {
  const params = resolveParams({});
  const out: Record<string, number | string> = {};
  let falseAlarms = 0;
  let historyDays = 0;
  for (const name of SCENARIOS) {
    const delays: number[] = [];
    let fired = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const sc = scenario(name, seed);
      const eventMs = Date.parse(sc.eventStart);
      const { events } = replayWindows(sc.windows, params);
      falseAlarms += events.filter((e) => e.type === 'raised' && Date.parse(e.at) < eventMs).length;
      historyDays += (eventMs - Date.parse(sc.windows[0]?.start as string)) / 86_400_000;
      const first = events.find((e) => e.type === 'raised' && Date.parse(e.at) >= eventMs);
      if (first) {
        fired += 1;
        delays.push((Date.parse(first.at) - eventMs) / 60_000);
      }
    }
    delays.sort((a, b) => a - b);
    out[`scenario_${name}_raised_of_30`] = fired;
    if (delays.length > 0) {
      out[`scenario_${name}_delay_median_min`] = delays[Math.floor(delays.length / 2)] as number;
      out[`scenario_${name}_delay_max_min`] = delays[delays.length - 1] as number;
    }
  }
  out.scenario_false_alarms_before_events = falseAlarms;
  out.scenario_history_days_checked = Math.round(historyDays);
  return out;
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
      ...scenarioFigures(),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export { run };
