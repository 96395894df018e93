import { describe, expect, it } from 'vitest';
import type { SourceStatus } from '../../../lib/domain/types.ts';
import {
  COLLECT_TIMEOUT_MS,
  everyMinutesOf,
  livenessOf,
  overdueToleranceMs,
  withLiveness,
} from '../../../lib/sources/liveness.ts';

const MIN = 60_000;
const LAST_RUN = new Date('2026-11-29T06:05:00.000Z');
const at = (ms: number) => new Date(LAST_RUN.getTime() + ms);
const iso = (ms: number) => at(ms).toISOString();

function status(fields: Partial<SourceStatus> = {}): SourceStatus {
  return {
    source: 'x',
    status: 'ok',
    lastRunAt: LAST_RUN.toISOString(),
    postsSeen: 10,
    mentionsWritten: 2,
    expectedEveryMinutes: 5,
    ...fields,
  };
}

describe('overdueToleranceMs', () => {
  it('is two intervals plus the collector timeout (5 min)', () => {
    expect(COLLECT_TIMEOUT_MS).toBe(5 * MIN);
    expect(overdueToleranceMs(5)).toBe(15 * MIN);
    expect(overdueToleranceMs(60)).toBe(125 * MIN);
  });
});

describe('everyMinutesOf', () => {
  it('rounds a schedule up to whole minutes, at least one', () => {
    expect(everyMinutesOf(5 * MIN)).toBe(5);
    expect(everyMinutesOf(30_000)).toBe(1);
    expect(everyMinutesOf(90_000)).toBe(2);
    expect(everyMinutesOf(1)).toBe(1);
  });
});

describe('livenessOf: overdue', () => {
  it('is not overdue exactly at the tolerance, and overdue one millisecond after', () => {
    expect(livenessOf(status(), at(15 * MIN))).toEqual({ overdue: false });
    expect(livenessOf(status(), at(15 * MIN + 1))).toEqual({
      overdue: true,
      overdueSince: iso(15 * MIN),
    });
  });

  it('does not flag one dropped run, flags two in a row', () => {
    // The run at +5 min was dropped; the one at +10 min may take the whole timeout to write.
    expect(livenessOf(status(), at(10 * MIN + COLLECT_TIMEOUT_MS)).overdue).toBe(false);
    // Neither the +5 nor the +10 run wrote, and the +15 one has not either.
    expect(livenessOf(status(), at(16 * MIN)).overdue).toBe(true);
  });

  it('scales with the interval: an hourly source is overdue after 125 minutes', () => {
    const hourly = status({ source: 'youtube', expectedEveryMinutes: 60 });
    expect(livenessOf(hourly, at(125 * MIN)).overdue).toBe(false);
    expect(livenessOf(hourly, at(125 * MIN + 1))).toEqual({
      overdue: true,
      overdueSince: iso(125 * MIN),
    });
  });

  it('is never overdue when the interval is unknown (an item stored before it was recorded)', () => {
    const old = status({ expectedEveryMinutes: undefined });
    expect(livenessOf(old, at(30 * 24 * 60 * MIN))).toEqual({ overdue: false });
  });

  it('ignores an interval that is not a positive whole number of minutes', () => {
    for (const bad of [0, -5, 2.5, Number.NaN]) {
      expect(livenessOf(status({ expectedEveryMinutes: bad }), at(1000 * MIN)).overdue).toBe(false);
    }
  });

  it('is not overdue while a stop in the future explains the silence', () => {
    const limited = status({ status: 'rate-limited', until: iso(6 * 60 * MIN) });
    expect(livenessOf(limited, at(3 * 60 * MIN)).overdue).toBe(false);
    expect(livenessOf(limited, at(6 * 60 * MIN)).overdue).toBe(false);
  });

  it('counts the tolerance from the end of a stop, then is overdue again', () => {
    const until = 6 * 60 * MIN;
    const limited = status({ status: 'quota-exhausted', until: iso(until) });
    // The stop just ended: the next scheduled run has its whole tolerance to write.
    expect(livenessOf(limited, at(until + 1)).overdue).toBe(false);
    expect(livenessOf(limited, at(until + 15 * MIN)).overdue).toBe(false);
    expect(livenessOf(limited, at(until + 15 * MIN + 1))).toEqual({
      overdue: true,
      overdueSince: iso(until + 15 * MIN),
    });
  });

  it('counts from the last run when a stale until is earlier than it', () => {
    const stale = status({ until: iso(-60 * MIN) });
    expect(livenessOf(stale, at(15 * MIN + 1))).toEqual({
      overdue: true,
      overdueSince: iso(15 * MIN),
    });
  });

  it('is not overdue for a last run in the future (a clock ahead of the reader)', () => {
    expect(livenessOf(status({ lastRunAt: iso(10 * MIN) }), at(0)).overdue).toBe(false);
  });
});

describe('livenessOf: run state', () => {
  const runId = (startMs: number) => `${iso(startMs)}~a1b2c3d4e5f6`;

  it('gives no run state for a status that does not record its shards', () => {
    expect(livenessOf(status(), at(MIN))).toEqual({ overdue: false });
  });

  it('calls a run complete when every planned shard reported', () => {
    expect(livenessOf(status({ shards: 1, shardsPlanned: 1 }), at(MIN)).run).toBe('complete');
    expect(
      livenessOf(status({ runId: runId(0), shards: 8, shardsPlanned: 8 }), at(500 * MIN)).run,
    ).toBe('complete');
  });

  it('is running until the run horizon (one interval) plus the collector timeout, incomplete after', () => {
    // Started at LAST_RUN - 2 min; the last shard that reported started at LAST_RUN.
    const partial = status({ runId: runId(-2 * MIN), shards: 3, shardsPlanned: 8 });
    const bound = -2 * MIN + 5 * MIN + COLLECT_TIMEOUT_MS;
    expect(livenessOf(partial, at(bound)).run).toBe('running');
    expect(livenessOf(partial, at(bound + 1)).run).toBe('incomplete');
  });

  it('uses the hourly horizon for an hourly source', () => {
    const partial = status({
      expectedEveryMinutes: 60,
      runId: runId(0),
      shards: 2,
      shardsPlanned: 4,
    });
    expect(livenessOf(partial, at(65 * MIN)).run).toBe('running');
    expect(livenessOf(partial, at(65 * MIN + 1)).run).toBe('incomplete');
  });

  it('keeps a run going one timeout after its last report, even past the horizon', () => {
    // A shard that started after the horizon (+5 min: Lambda's async retry) reported.
    const late = status({ lastRunAt: iso(7 * MIN), runId: runId(0), shards: 3, shardsPlanned: 8 });
    expect(livenessOf(late, at(7 * MIN + COLLECT_TIMEOUT_MS)).run).toBe('running');
    expect(livenessOf(late, at(7 * MIN + COLLECT_TIMEOUT_MS + 1)).run).toBe('incomplete');
  });

  it('without an interval or a run id, bounds the run at one timeout after the last report', () => {
    for (const s of [
      status({ expectedEveryMinutes: undefined, runId: runId(0), shards: 1, shardsPlanned: 2 }),
      status({ runId: undefined, shards: 1, shardsPlanned: 2 }),
      status({ runId: 'not-a-run-id', shards: 1, shardsPlanned: 2 }),
    ]) {
      expect(livenessOf(s, at(COLLECT_TIMEOUT_MS)).run).toBe('running');
      expect(livenessOf(s, at(COLLECT_TIMEOUT_MS + 1)).run).toBe('incomplete');
    }
  });

  it('reports overdue and an incomplete run independently', () => {
    const stopped = status({ runId: runId(0), shards: 3, shardsPlanned: 8 });
    expect(livenessOf(stopped, at(20 * MIN))).toEqual({
      overdue: true,
      overdueSince: iso(15 * MIN),
      run: 'incomplete',
    });
  });
});

describe('withLiveness', () => {
  it('keeps every stored field and adds the liveness', () => {
    const s = status({
      lastError: 'HTTP 503',
      runId: `${iso(0)}~abc`,
      shards: 1,
      shardsPlanned: 1,
    });
    expect(withLiveness(s, at(MIN))).toEqual({ ...s, overdue: false, run: 'complete' });
  });
});
