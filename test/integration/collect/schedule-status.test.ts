/**
 * The collect use case records the schedule interval it was given with the source status, on
 * DynamoDB Local with the offline demo adapter: an unsharded run, a sharded run, a run on no
 * schedule, and a run that backs off (which writes nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repositories } from '../../../lib/domain/ports.ts';
import type { SourceName, SourceStatus } from '../../../lib/domain/types.ts';
import { createCollectUseCase } from '../../../lib/pipeline/collect.ts';
import { newRunId } from '../../../lib/pipeline/collect-fanout.ts';
import { createDemoSource, DEMO_ISSUES } from '../../../lib/sources/demo.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';

const NOW = new Date('2026-03-10T03:00:00.000Z');

describe('collect: the schedule interval recorded with the status (DynamoDB Local)', () => {
  let table: TestTable;
  let repos: Repositories;

  const stored = async (source: SourceName = 'demo'): Promise<SourceStatus | undefined> =>
    (await repos.sourceStatus.list()).find((s) => s.source === source);

  const useCase = (every: (source: SourceName) => number | undefined) =>
    createCollectUseCase({
      repos,
      adapters: { demo: createDemoSource({ seed: 3, backfillMinutes: 2, postsPerRun: 20 }) },
      now: () => NOW,
      expectedEveryMinutes: every,
    });

  beforeAll(async () => {
    table = await createTestTable('collect-every');
    repos = createRepositories({ doc: table.doc, tableName: table.tableName });
    for (const [i, d] of DEMO_ISSUES.entries()) {
      await repos.issues.create({
        tenantId: 'demo',
        id: `demo-${i + 1}`,
        name: d.query,
        query: d.query,
        sources: d.sources,
        languages: ['id'],
        status: 'active',
        detector: {},
        createdAt: '2026-03-01T00:00:00.000Z',
        updatedAt: '2026-03-01T00:00:00.000Z',
      });
    }
  });

  afterAll(async () => {
    await table?.drop();
  });

  it('stores the interval of the source it ran, in its report and in the table', async () => {
    const report = await useCase((s) => (s === 'demo' ? 5 : undefined)).run('demo');
    expect(report.status.expectedEveryMinutes).toBe(5);
    expect(await stored()).toMatchObject({
      lastRunAt: NOW.toISOString(),
      shards: 1,
      shardsPlanned: 1,
      expectedEveryMinutes: 5,
    });
  });

  it('stores it with every shard of a fanned-out run', async () => {
    const runId = newRunId();
    const run = useCase(() => 15);
    for (const index of [0, 1]) {
      await run.run('demo', { runId, shard: { index, count: 2 } });
    }
    expect(await stored()).toMatchObject({
      runId,
      shards: 2,
      shardsPlanned: 2,
      expectedEveryMinutes: 15,
    });
  });

  it('stores none for a run on no schedule, so the source is never called overdue', async () => {
    const report = await useCase(() => undefined).run('demo');
    expect(report.status).not.toHaveProperty('expectedEveryMinutes');
    const s = await stored();
    expect(s?.runId).toBe(report.status.runId);
    expect(s).not.toHaveProperty('expectedEveryMinutes');
  });

  it('writes nothing while the source backs off: the stop, not the run, is what the reader sees', async () => {
    const until = new Date(NOW.getTime() + 30 * 60_000).toISOString();
    await repos.sourceStatus.put({
      source: 'demo',
      status: 'rate-limited',
      until,
      lastRunAt: NOW.toISOString(),
      postsSeen: 0,
      mentionsWritten: 0,
      expectedEveryMinutes: 5,
    });
    const report = await useCase(() => 60).run('demo');
    expect(report.stoppedBy).toBe('backoff');
    expect(await stored()).toMatchObject({
      status: 'rate-limited',
      until,
      expectedEveryMinutes: 5,
    });
  });
});
