/**
 * The backtest over streams: JSON lines and the IKN TSV, scoring of unlabelled lines with the
 * built-in model, invalid lines, and the real IKN replay (capital relocation tweets, 2022).
 */
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { run as runCli } from '../../../lib/cli/commands/backtest.ts';
import { eventLine, runBacktest } from '../../../lib/detection/backtest.ts';
import { resolveParams } from '../../../lib/detection/index.ts';
import { createBuiltinAnalyzer } from '../../../lib/sentiment/index.ts';
import { scenario } from './scenarios.ts';

const IKN = '/work/shared/data/ikn-timeline/ikn_replay.tsv';

/** Expands a timeline's window counts into one JSON line per mention. */
function* mentionLines(name: 'abrupt-surge' | 'positive-burst'): Generator<string> {
  let id = 0;
  for (const w of scenario(name, 3).windows) {
    const start = Date.parse(w.start);
    const labels: [string, number][] = [
      ['NEGATIVE', w.negative],
      ['POSITIVE', w.positive],
      ['NEUTRAL', w.neutral],
      ['MIXED', w.mixed],
    ];
    for (const [sentiment, n] of labels) {
      for (let i = 0; i < n; i++) {
        const createdAt = new Date(start + ((i * 7919) % 300_000)).toISOString();
        yield `${JSON.stringify({ id: `m${id++}`, source: 'x', text: 'x', createdAt, sentiment })}\n`;
      }
    }
  }
}

describe('runBacktest', () => {
  it('finds the abrupt surge from mention lines, as the replay of its windows does', async () => {
    const events: string[] = [];
    const result = await runBacktest({
      input: Readable.from(mentionLines('abrupt-surge')),
      params: resolveParams({}),
      onEvent: (e) => events.push(eventLine(e)),
    });
    expect(result.invalid).toBe(0);
    expect(result.raised).toBe(1);
    const first = JSON.parse(events[0] as string);
    expect(first).toMatchObject({ state: 'raised', raisedAt: '2026-03-05T03:05:00.000Z' });
    for (const key of [
      'level',
      'windowStart',
      'windowEnd',
      'negative',
      'total',
      'baseline',
      'reason',
    ]) {
      expect(first).toHaveProperty(key);
    }
  });

  it('stays silent on a positive burst read from mention lines', async () => {
    const result = await runBacktest({
      input: Readable.from(mentionLines('positive-burst')),
      params: resolveParams({}),
    });
    expect(result.mentions).toBeGreaterThan(40_000);
    expect(result.events).toEqual([]);
  });

  it('reports each bad line with its number and reason and counts the rest', async () => {
    const lines = [
      '{"id":"1","source":"x","text":"a","createdAt":"2026-03-01T00:00:00Z","sentiment":"NEGATIVE"}',
      'not json',
      '{"id":"2","createdAt":"yesterday","sentiment":"NEGATIVE"}',
      '{"id":"3","createdAt":"2026-03-01T00:01:00Z","sentiment":"ANGRY"}',
      '',
      '{"createdAt":"2026-03-01T00:01:00Z","sentiment":"NEGATIVE"}',
      '{"id":"4","source":"x","text":"b","createdAt":"2026-03-01T00:02:00Z","sentiment":"positive"}',
    ];
    const result = await runBacktest({
      input: Readable.from(lines.map((l) => `${l}\n`)),
      params: resolveParams({}),
    });
    expect(result.mentions).toBe(2);
    expect(result.byLabel).toMatchObject({ NEGATIVE: 1, POSITIVE: 1 });
    expect(result.invalidSamples).toEqual([
      { line: 2, error: expect.stringMatching(/not JSON/) },
      { line: 3, error: "createdAt 'yesterday' is not a date" },
      { line: 4, error: expect.stringMatching(/sentiment 'ANGRY'/) },
      { line: 6, error: 'id is missing' },
    ]);
  });

  it('scores lines without a sentiment with the built-in model', async () => {
    const analyzer = createBuiltinAnalyzer();
    const spy = vi.spyOn(analyzer, 'analyze');
    const lines = [
      '{"id":"1","source":"x","text":"Pelayanan buruk sekali, kecewa dan marah","createdAt":"2026-03-01T00:00:00Z"}',
      '{"id":"2","source":"x","text":"Terima kasih, bagus sekali programnya","createdAt":"2026-03-01T00:01:00Z","lang":"id"}',
    ];
    const result = await runBacktest({
      input: Readable.from(lines.map((l) => `${l}\n`)),
      params: resolveParams({}),
      analyzer: async () => analyzer,
    });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(result.scored).toBe(2);
    expect(result.byLabel.NEGATIVE).toBe(1);
    expect(result.byLabel.POSITIVE).toBe(1);
  });

  it('fails clearly when lines need scoring and no analyzer is given', async () => {
    await expect(
      runBacktest({
        input: Readable.from(['{"id":"1","text":"apa","createdAt":"2026-03-01T00:00:00Z"}\n']),
        params: resolveParams({}),
      }),
    ).rejects.toThrow(/no analyzer/);
  });
});

describe('IKN replay (ikn_replay.tsv, capital relocation tweets 2022)', () => {
  const hourly = resolveParams({
    windowMinutes: 60,
    minNegative: 10,
    settleMinutes: 60,
    resolveAfterWindows: 3,
    slowScaleMinutes: 360,
    warmupWindows: 24,
    cooldownMinutes: 360,
  });

  it('raises nothing on its labelled negatives: the spikes are not negative', async () => {
    const { createReadStream } = await import('node:fs');
    const result = await runBacktest({
      input: createReadStream(IKN),
      params: resolveParams({}),
      analyzer: async () => createBuiltinAnalyzer(),
    });
    expect(result.mentions).toBe(8756);
    expect(result.invalid).toBe(0);
    expect(result.scored).toBe(134);
    expect(result.byLabel.NEGATIVE).toBeLessThan(400);
    expect(result.raised).toBe(0);
  });

  it('finds the documented volume spikes when every mention counts (hourly windows)', async () => {
    const { createReadStream } = await import('node:fs');
    const result = await runBacktest({
      input: createReadStream(IKN),
      params: hourly,
      signal: 'all',
      analyzer: async () => createBuiltinAnalyzer(),
    });
    const raisedDays = new Set(
      result.events
        .filter((e) => e.type !== 'resolved')
        // Days in WIB, as the data set's README counts them.
        .map((e) => new Date(Date.parse(e.windowStart) + 7 * 3_600_000).toISOString().slice(0, 10)),
    );
    // The zero-point ceremony (14 Mar), its build-up (10 Mar), 22 Jun, 16 Aug, 19 Oct, 17 Jun.
    for (const day of [
      '2022-03-10',
      '2022-03-14',
      '2022-06-17',
      '2022-06-22',
      '2022-08-16',
      '2022-10-19',
    ]) {
      expect(raisedDays, day).toContain(day);
    }
    const ceremony = result.events.filter(
      (e) => e.episodeStart.startsWith('2022-03-14') && e.type !== 'resolved',
    );
    expect(ceremony.map((e) => e.level)).toEqual(['WASPADA', 'SIAGA', 'AWAS']);
    // 14 Mar 02:00 UTC = 09:00 WIB, the first hour of the ceremony's peak.
    expect(ceremony[0]?.windowStart).toBe('2022-03-14T02:00:00.000Z');
  });
});

describe('pantau backtest', () => {
  it('prints one JSON line per event and a summary on stderr', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out.push(String(s));
      return true;
    });
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
      err.push(String(s));
      return true;
    });
    let code: number;
    try {
      code = await runCli(['--posts', IKN, '--signal', 'all']);
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
    expect(code).toBe(0);
    const lines = out
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => ['raised', 'escalated', 'resolved'].includes(l.state))).toBe(true);
    expect(err.join('')).toMatch(/8,757 lines, 8,756 mentions/);
    expect(err.join('')).toMatch(/alerts: \d+ raised/);
  });

  it('refuses bad usage with exit code 2', async () => {
    const e = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await runCli([])).toBe(2);
      expect(await runCli(['--posts'])).toBe(2);
      expect(await runCli(['--posts', IKN, '--signal', 'loud'])).toBe(2);
    } finally {
      e.mockRestore();
    }
  });
});
