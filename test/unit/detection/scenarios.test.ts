/**
 * The detector on synthetic timelines (test/unit/detection/scenarios.ts): three days of
 * history with a daily curve, then the scenario's event. Each scenario runs on several seeds;
 * the delay is the simulated time from the event's start to the raise.
 */
import { describe, expect, it } from 'vitest';
import { type DetectorEvent, replayWindows, resolveParams } from '../../../lib/detection/index.ts';
import { SCENARIOS, type ScenarioName, scenario } from './scenarios.ts';

const SEEDS = [1, 2, 3, 4, 5];
const params = resolveParams({});

function run(name: ScenarioName, seed: number) {
  const sc = scenario(name, seed);
  const { events } = replayWindows(sc.windows, params);
  const eventMs = Date.parse(sc.eventStart);
  const before = events.filter((e) => e.type === 'raised' && Date.parse(e.at) < eventMs);
  const after = events.filter((e) => e.type !== 'resolved' && Date.parse(e.at) >= eventMs);
  const firstRaise = after.find((e) => e.type === 'raised');
  const delay = firstRaise ? (Date.parse(firstRaise.at) - eventMs) / 60000 : undefined;
  return { sc, events, before, after, firstRaise, delay };
}

function levels(events: DetectorEvent[]): string[] {
  return events.map((e) => `${e.type}:${e.level}`);
}

describe('detector scenarios', () => {
  it('has no false alarm in the history before any event', () => {
    for (const name of SCENARIOS) {
      for (const seed of SEEDS) expect(run(name, seed).before, `${name}/${seed}`).toEqual([]);
    }
  });

  it('catches an abrupt surge at the end of its first window, as SIAGA or higher', () => {
    for (const seed of SEEDS) {
      const r = run('abrupt-surge', seed);
      expect(r.delay, `seed ${seed}`).toBe(5);
      expect(['SIAGA', 'AWAS']).toContain(r.firstRaise?.level);
      expect(r.firstRaise?.scale).toBe('window');
    }
  });

  it('raises AWAS for a massive surge within one window, and only once', () => {
    for (const seed of SEEDS) {
      const r = run('massive-surge', seed);
      expect(r.delay).toBe(5);
      expect(levels(r.after)).toEqual(['raised:AWAS']);
      expect(r.firstRaise?.negativeShare).toBeGreaterThan(0.5);
    }
  });

  it('catches a crisis that builds over four hours by the first hour of its plateau', () => {
    const delays: number[] = [];
    for (const seed of SEEDS) {
      const r = run('slow-build', seed);
      expect(r.firstRaise?.level, `seed ${seed}`).toBe('WASPADA');
      // The extra negatives grow for 240 minutes, then hold at 30 per window.
      expect(r.delay).toBeLessThan(300);
      delays.push(r.delay as number);
    }
    // Most seeds fire while it is still building.
    expect(delays.filter((d) => d < 240).length).toBeGreaterThanOrEqual(4);
  });

  it('stays silent on a positive viral burst, a level shift and a night blip', () => {
    for (const name of ['positive-burst', 'level-shift', 'night-blip'] as const) {
      for (const seed of SEEDS) expect(run(name, seed).events, `${name}/${seed}`).toEqual([]);
    }
  });

  it('resolves an episode once the surge is over and gives the evidence', () => {
    const r = run('abrupt-surge', 1);
    const resolved = r.events.filter((e) => e.type === 'resolved');
    expect(resolved).toHaveLength(1);
    const raise = r.firstRaise as DetectorEvent;
    expect(resolved[0]?.episodeStart).toBe(raise.episodeStart);
    // The surge lasts an hour; resolution needs the slow scale calm too.
    const endOfSurge = Date.parse(r.sc.eventStart) + 3_600_000;
    expect(Date.parse(resolved[0]?.at as string)).toBeGreaterThan(endOfSurge);
    expect(raise.trend.length).toBeGreaterThan(10);
    expect(raise.trend.at(-1)).toBe(raise.negative);
    expect(raise.baseline).toBeGreaterThan(0);
    expect(raise.reason).toMatch(/negative in 5 min vs baseline/);
  });
});
