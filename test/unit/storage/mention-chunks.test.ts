import { describe, expect, it } from 'vitest';
import type { ScoreWrite } from '../../../lib/domain/ports.ts';
import { BUCKET_WIDTHS } from '../../../lib/domain/types.ts';
import { bucketStart, planChunks } from '../../../lib/storage/mention-repository.ts';
import {
  cancellationReasons,
  compact,
  isTransient,
} from '../../../lib/storage/repository-support.ts';
import { mention, scoreWrite } from '../../integration/storage/fixtures.ts';

function distinctBuckets(chunk: ScoreWrite[]): number {
  const keys = new Set<string>();
  for (const w of chunk) {
    for (const width of BUCKET_WIDTHS)
      keys.add(`${width}|${bucketStart(w.mention.createdAt, width)}`);
  }
  return keys.size;
}

describe('bucketStart', () => {
  it('floors to the UTC window of each width', () => {
    const at = '2026-03-01T23:59:59.999Z';
    expect(bucketStart(at, '5m')).toBe('2026-03-01T23:55:00.000Z');
    expect(bucketStart(at, '1h')).toBe('2026-03-01T23:00:00.000Z');
    expect(bucketStart(at, '1d')).toBe('2026-03-01T00:00:00.000Z');
    expect(bucketStart('2026-03-02T00:00:00.000Z', '5m')).toBe('2026-03-02T00:00:00.000Z');
    // A WIB (UTC+7) morning is still the previous UTC day.
    expect(bucketStart('2026-03-01T16:30:00.000Z', '1d')).toBe('2026-03-01T00:00:00.000Z');
  });
});

describe('planChunks', () => {
  it('keeps every chunk within one transaction: at most 30 mentions and 100 actions', () => {
    // Each mention on its own day: 3 new buckets per mention, the worst case for the action limit.
    const worst = Array.from({ length: 70 }, (_, i) =>
      scoreWrite(
        mention({
          sourceId: `w${i}`,
          createdAt: new Date(Date.UTC(2026, 0, 1 + i, 12)).toISOString(),
        }),
        'NEGATIVE',
      ),
    );
    const chunks = planChunks(worst);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(30);
      expect(c.length + distinctBuckets(c)).toBeLessThanOrEqual(100);
    }
    expect(
      chunks
        .flat()
        .map((w) => w.mention.sourceId)
        .sort(),
    ).toEqual(worst.map((w) => w.mention.sourceId).sort());
    expect(chunks.map((c) => c.length)).toEqual([25, 25, 20]);
  });

  it('fills chunks of 30 when the mentions share their windows', () => {
    const same = Array.from({ length: 75 }, (_, i) =>
      scoreWrite(mention({ sourceId: `s${i}`, createdAt: '2026-03-01T08:01:00.000Z' }), 'POSITIVE'),
    );
    expect(planChunks(same).map((c) => c.length)).toEqual([30, 30, 15]);
    expect(planChunks([])).toEqual([]);
  });
});

describe('error classification', () => {
  const cancelled = (...codes: string[]) =>
    Object.assign(new Error('cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: codes.map((Code) => ({ Code })),
    });

  it('retries contention and throttling, never a failed condition or a bad request', () => {
    expect(isTransient(cancelled('None', 'TransactionConflict'))).toBe(true);
    expect(isTransient(cancelled('ThrottlingError'))).toBe(true);
    expect(
      isTransient(
        Object.assign(new Error('x'), { name: 'ProvisionedThroughputExceededException' }),
      ),
    ).toBe(true);
    expect(isTransient(cancelled('ConditionalCheckFailed', 'None'))).toBe(false);
    expect(isTransient(cancelled('ValidationError'))).toBe(false);
    expect(isTransient(Object.assign(new Error('x'), { name: 'ValidationException' }))).toBe(false);
    expect(isTransient('not an error')).toBe(false);
    expect(cancellationReasons(new Error('other'))).toBeUndefined();
    expect(cancellationReasons(cancelled('None'))).toEqual([{ Code: 'None' }]);
  });
});

describe('compact', () => {
  it('drops undefined values at every depth and keeps everything else', () => {
    expect(
      compact({
        a: 1,
        b: undefined,
        c: { d: undefined, e: [1, undefined, { f: undefined, g: null }] },
      }),
    ).toEqual({ a: 1, c: { e: [1, { g: null }] } });
  });
});
