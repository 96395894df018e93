/**
 * The source status on DynamoDB Local: the shards of one collect run add their counts into one
 * item, a later run replaces them, a late shard of an earlier run does not mix into them, and
 * shards writing at the same time lose no count and never clear a stop another shard stored.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lib/domain/errors.ts';
import type { Repositories } from '../../../lib/domain/ports.ts';
import type { SourceName, SourceStatus } from '../../../lib/domain/types.ts';
import { newRunId } from '../../../lib/pipeline/collect-fanout.ts';
import { sourceStatusKey } from '../../../lib/storage/keys.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';

const T0 = '2026-03-10T03:00:00.000Z';
const LATER = '2026-03-10T03:10:00.000Z';
const UNTIL = '2026-03-10T03:15:00.000Z';

/** One shard's report, as the collect use case writes it. */
function shard(runId: string, postsSeen: number, mentionsWritten: number, more = {}): SourceStatus {
  return {
    source: 'x',
    status: 'ok',
    lastRunAt: T0,
    postsSeen,
    mentionsWritten,
    runId,
    shards: 1,
    shardsPlanned: 4,
    ...more,
  };
}

function limited(runId: string, more = {}): SourceStatus {
  return shard(runId, 3, 1, {
    status: 'rate-limited',
    until: UNTIL,
    lastError: 'issue:i7: 429 Too Many Requests',
    ...more,
  });
}

describe('SourceStatusRepository on DynamoDB Local', () => {
  let table: TestTable;
  let repos: Repositories;

  async function stored(source: SourceName = 'x'): Promise<SourceStatus | undefined> {
    return (await repos.sourceStatus.list()).find((s) => s.source === source);
  }

  beforeEach(async () => {
    table = await createTestTable('status');
    repos = createRepositories({ doc: table.doc, tableName: table.tableName });
  });
  afterEach(async () => {
    await table.drop();
  });

  it('adds up the counts of two shards of one run', async () => {
    const run = newRunId();
    await repos.sourceStatus.put(shard(run, 40, 7, { lastRunAt: T0 }));
    await repos.sourceStatus.put(shard(run, 25, 3, { lastRunAt: LATER }));
    expect(await stored()).toEqual({
      source: 'x',
      status: 'ok',
      lastRunAt: LATER,
      postsSeen: 65,
      mentionsWritten: 10,
      runId: run,
      shards: 2,
      shardsPlanned: 4,
    });
  });

  it('replaces the counts of the previous run when a new run reports', async () => {
    const first = newRunId();
    const second = newRunId();
    await repos.sourceStatus.put(shard(first, 40, 7, { status: 'error', lastError: 'feed down' }));
    await repos.sourceStatus.put(shard(first, 25, 3));
    await repos.sourceStatus.put(shard(second, 11, 2, { shardsPlanned: 2, lastRunAt: LATER }));
    expect(await stored()).toEqual({
      source: 'x',
      status: 'ok',
      lastRunAt: LATER,
      postsSeen: 11,
      mentionsWritten: 2,
      runId: second,
      shards: 1,
      shardsPlanned: 2,
    });
    // An unsharded run (no planned count given) replaces too, and drops the old planned count.
    const third = newRunId();
    const { shardsPlanned: _, ...unsharded } = shard(third, 5, 0);
    await repos.sourceStatus.put(unsharded);
    expect(await stored()).toEqual({ ...unsharded, shards: 1 });
  });

  it('keeps a late shard of an earlier run out of the counts, but records the stop it hit', async () => {
    const earlier = newRunId();
    const later = newRunId();
    await repos.sourceStatus.put(shard(later, 30, 4, { lastRunAt: LATER }));
    // Ended well: nothing of it is newer than what the later run stored.
    await repos.sourceStatus.put(shard(earlier, 99, 99));
    const afterOk = await stored();
    expect(afterOk).toMatchObject({ status: 'ok', postsSeen: 30, mentionsWritten: 4, shards: 1 });
    expect(afterOk?.runId).toBe(later);
    // Hit the shared rate limit: the later run's shards must see it and stop.
    await repos.sourceStatus.put(limited(earlier));
    expect(await stored()).toEqual({
      source: 'x',
      status: 'rate-limited',
      until: UNTIL,
      lastError: 'issue:i7: 429 Too Many Requests',
      lastRunAt: LATER,
      postsSeen: 30,
      mentionsWritten: 4,
      runId: later,
      shards: 1,
      shardsPlanned: 4,
    });
  });

  it('loses no count when the shards of one run write at the same time', async () => {
    const previous = newRunId();
    await repos.sourceStatus.put(shard(previous, 1000, 1000));
    const run = newRunId();
    const reports = Array.from({ length: 16 }, (_, i) =>
      shard(run, 10 + i, i, { shardsPlanned: 16 }),
    );
    await Promise.all(reports.map((r) => repos.sourceStatus.put(r)));
    expect(await stored()).toMatchObject({
      runId: run,
      postsSeen: reports.reduce((n, r) => n + r.postsSeen, 0),
      mentionsWritten: reports.reduce((n, r) => n + r.mentionsWritten, 0),
      shards: 16,
      shardsPlanned: 16,
    });
    // And on an empty table (the very first run of a source): every shard races to create it.
    const bluesky = reports.map((r) => ({ ...r, source: 'bluesky' as const }));
    await Promise.all(bluesky.map((r) => repos.sourceStatus.put(r)));
    expect(await stored('bluesky')).toMatchObject({
      postsSeen: 280,
      mentionsWritten: 120,
      shards: 16,
    });
  });

  it('ends with the later run counts alone when shards of two runs write at the same time', async () => {
    for (let round = 0; round < 4; round++) {
      const earlier = newRunId();
      const later = newRunId();
      const writes: SourceStatus[] = [];
      for (let i = 0; i < 8; i++) {
        writes.push(shard(earlier, 1000, 1000), shard(later, i + 1, i));
      }
      await Promise.all(writes.map((w) => repos.sourceStatus.put(w)));
      expect(await stored()).toMatchObject({
        runId: later,
        postsSeen: 36,
        mentionsWritten: 28,
        shards: 8,
      });
    }
  });

  it('keeps a stop a shard of the run stored when another ends well before its until', async () => {
    const run = newRunId();
    await repos.sourceStatus.put(limited(run), { now: T0 });
    await repos.sourceStatus.put(shard(run, 20, 5, { lastRunAt: LATER }), { now: LATER });
    expect(await stored()).toEqual({
      source: 'x',
      status: 'rate-limited',
      until: UNTIL,
      lastError: 'issue:i7: 429 Too Many Requests',
      lastRunAt: LATER,
      postsSeen: 23,
      mentionsWritten: 6,
      runId: run,
      shards: 2,
      shardsPlanned: 4,
    });
    // After `until` the stop is over, and a shard that ended well clears it.
    await repos.sourceStatus.put(shard(run, 1, 1), { now: '2026-03-10T03:15:00.001Z' });
    const cleared = await stored();
    expect(cleared).toMatchObject({ status: 'ok', postsSeen: 24, mentionsWritten: 7, shards: 3 });
    expect(cleared).not.toHaveProperty('until');
    // The run did hit the limit: its reason stays until the next run.
    expect(cleared?.lastError).toBe('issue:i7: 429 Too Many Requests');
  });

  it('keeps the last failure of the run in lastError; error only while no shard ended well', async () => {
    const run = newRunId();
    const failed = shard(run, 0, 0, {
      status: 'error',
      lastError: 'issue:i9: 500 from the source',
    });
    await repos.sourceStatus.put(failed, { now: T0 });
    expect(await stored()).toMatchObject({ status: 'error', shards: 1 });
    await repos.sourceStatus.put(shard(run, 20, 5, { lastRunAt: LATER }), { now: LATER });
    // A shard failed after one ended well: still ok, and the reason is kept.
    const again = shard(run, 1, 0, { status: 'auth-failed', lastError: 'issue:i4: 401' });
    await repos.sourceStatus.put(again, { now: LATER });
    expect(await stored()).toEqual({
      source: 'x',
      status: 'ok',
      lastError: 'issue:i4: 401',
      lastRunAt: T0,
      postsSeen: 21,
      mentionsWritten: 5,
      runId: run,
      shards: 3,
      shardsPlanned: 4,
    });
    await repos.sourceStatus.put(shard(run, 10, 2), { now: LATER });
    expect(await stored()).toMatchObject({ status: 'ok', lastError: 'issue:i4: 401', shards: 4 });
    // The next run starts from its own shards.
    await repos.sourceStatus.put(shard(newRunId(), 4, 1, { lastRunAt: LATER }), { now: LATER });
    const next = await stored();
    expect(next).toMatchObject({ status: 'ok', postsSeen: 4, shards: 1 });
    expect(next).not.toHaveProperty('lastError');
  });

  it('keeps a failure reason written at the same time as any number of shards that ended well', async () => {
    const run = newRunId();
    const oks = Array.from({ length: 12 }, () => shard(run, 2, 1));
    const failed = shard(run, 1, 0, { status: 'error', lastError: 'issue:i2: 503' });
    await Promise.all([
      ...oks.slice(0, 6).map((s) => repos.sourceStatus.put(s, { now: LATER })),
      repos.sourceStatus.put(failed, { now: LATER }),
      ...oks.slice(6).map((s) => repos.sourceStatus.put(s, { now: LATER })),
    ]);
    const after = await stored();
    expect(after).toMatchObject({
      lastError: 'issue:i2: 503',
      postsSeen: 25,
      mentionsWritten: 12,
      shards: 13,
    });
    // Whatever the order, a shard that ended well wrote after or before the failed one.
    expect(after?.status).toBe('ok');
  });

  it('keeps a stop stored at the same time as any number of shards that ended well', async () => {
    for (const source of ['x', 'youtube', 'mastodon'] as const) {
      const run = newRunId();
      const oks = Array.from({ length: 12 }, () => ({ ...shard(run, 2, 1), source }));
      const stop = { ...limited(run), source };
      await Promise.all([
        ...oks.slice(0, 6).map((s) => repos.sourceStatus.put(s, { now: LATER })),
        repos.sourceStatus.put(stop, { now: LATER }),
        ...oks.slice(6).map((s) => repos.sourceStatus.put(s, { now: LATER })),
      ]);
      expect(await stored(source)).toMatchObject({
        status: 'rate-limited',
        until: UNTIL,
        postsSeen: 27,
        mentionsWritten: 13,
        shards: 13,
      });
    }
  });

  it('stores a status without a run id as it is, replacing the run', async () => {
    await repos.sourceStatus.put(shard(newRunId(), 40, 7));
    const plain: SourceStatus = {
      source: 'x',
      status: 'auth-failed',
      lastRunAt: LATER,
      lastError: '401',
      postsSeen: 0,
      mentionsWritten: 0,
    };
    await repos.sourceStatus.put(plain);
    expect(await stored()).toEqual(plain);
    // The next run's first shard then starts the counts afresh.
    const run = newRunId();
    await repos.sourceStatus.put(shard(run, 3, 1));
    expect(await stored()).toMatchObject({ runId: run, postsSeen: 3, shards: 1, status: 'ok' });
  });

  it('replaces an item whose run id does not order by time, whoever wrote it', async () => {
    for (const foreign of ['zzz-manual-fix', 42]) {
      await table.doc.send(
        new PutCommand({
          TableName: table.tableName,
          Item: {
            ...sourceStatusKey('x'),
            entityType: 'source-status',
            source: 'x',
            status: 'ok',
            lastRunAt: T0,
            postsSeen: 5,
            mentionsWritten: 5,
            runId: foreign,
          },
        }),
      );
      const run = newRunId();
      await repos.sourceStatus.put(shard(run, 2, 1));
      expect(await stored()).toMatchObject({
        runId: run,
        postsSeen: 2,
        mentionsWritten: 1,
        shards: 1,
      });
    }
  });

  it.each([
    ['a negative count', { postsSeen: -1 }],
    ['a fractional count', { mentionsWritten: 1.5 }],
    ['zero shards', { shards: 0 }],
    ['a run id with a space', { runId: '2026-03-10T03:00:00.000Z~run 1' }],
    ['a run id that does not start with its time', { runId: 'run-1' }],
    ['an unknown source', { source: 'tiktok' }],
    ['an unknown health', { status: 'fine' }],
    ['an until that is not a time', { until: 'soon' }],
    ['a zero schedule interval', { expectedEveryMinutes: 0 }],
    ['a fractional schedule interval', { expectedEveryMinutes: 2.5 }],
    ['a schedule interval that is not a number', { expectedEveryMinutes: '5' }],
  ])('rejects %s with a ValidationError and stores nothing', async (_, bad) => {
    const status = { ...shard(newRunId(), 1, 1), ...bad } as SourceStatus;
    await expect(repos.sourceStatus.put(status)).rejects.toBeInstanceOf(ValidationError);
    expect(await repos.sourceStatus.list()).toEqual([]);
  });

  it('records the schedule interval of the latest run, and drops it when a run has none', async () => {
    const first = newRunId();
    await repos.sourceStatus.put(shard(first, 4, 1, { expectedEveryMinutes: 5 }));
    // A shard of the same run that does not know it leaves it as stored.
    await repos.sourceStatus.put(shard(first, 2, 0));
    expect(await stored()).toMatchObject({ runId: first, shards: 2, expectedEveryMinutes: 5 });
    // A later run on a new schedule records the new interval.
    const second = newRunId();
    await repos.sourceStatus.put(shard(second, 1, 0, { expectedEveryMinutes: 15 }));
    expect((await stored())?.expectedEveryMinutes).toBe(15);
    // A later run started by hand (no schedule) must not keep a schedule it does not run on.
    const third = newRunId();
    await repos.sourceStatus.put(shard(third, 1, 0));
    const last = await stored();
    expect(last?.runId).toBe(third);
    expect(last).not.toHaveProperty('expectedEveryMinutes');
    // Without a run id the status is stored as it is, interval included.
    await repos.sourceStatus.put({
      source: 'x',
      status: 'ok',
      lastRunAt: LATER,
      postsSeen: 0,
      mentionsWritten: 0,
      expectedEveryMinutes: 60,
    });
    expect((await stored())?.expectedEveryMinutes).toBe(60);
  });

  it('reads an item stored before the interval was recorded without one', async () => {
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...sourceStatusKey('rss'),
          entityType: 'source-status',
          source: 'rss',
          status: 'ok',
          lastRunAt: T0,
          postsSeen: 3,
          mentionsWritten: 1,
        },
      }),
    );
    expect(await stored('rss')).toEqual({
      source: 'rss',
      status: 'ok',
      lastRunAt: T0,
      postsSeen: 3,
      mentionsWritten: 1,
    });
  });

  it('rejects a `now` that is not a time', async () => {
    await expect(
      repos.sourceStatus.put(shard(newRunId(), 1, 1), { now: 'later' }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await repos.sourceStatus.list()).toEqual([]);
  });
});
