/**
 * A fanned-out collection on DynamoDB Local: the real dispatcher, the real X adapter against the
 * fake X API on 127.0.0.1, shards run in process as the local runtime runs them. A sharded run of
 * N issues stores exactly what one unsharded run stores, a re-run stores nothing twice, and a rate
 * limit hit by one shard stops every shard of the source.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repositories } from '../../../lib/domain/ports.ts';
import type { Issue } from '../../../lib/domain/types.ts';
import { type CollectReport, createCollectUseCase } from '../../../lib/pipeline/collect.ts';
import {
  createCollectDispatcher,
  createInProcessShardInvoker,
  type FanoutReport,
} from '../../../lib/pipeline/collect-dispatch.ts';
import type { ShardEvent } from '../../../lib/pipeline/collect-fanout.ts';
import { silentLog } from '../../../lib/runtime/log.ts';
import { createStaticCredentialStore } from '../../../lib/sources/credentials.ts';
import { createHttpClient } from '../../../lib/sources/http.ts';
import { createXAdapter } from '../../../lib/sources/x.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import { FIXTURE_USER, makeTweets, startXFake, type XFake } from '../../fakes/x-server.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';

const QUERIES = [
  'beras',
  '"harga beras"',
  'BBM OR SPBU',
  'antrean',
  'banjir',
  '#banjirjakarta',
  'BPJS OR puskesmas',
  'Bulog',
  'pompa',
  'pelayanan',
];
const ISSUES = 30;
const POLICY = { scopesPerShard: 4, maxLanes: 2 };
const http = createHttpClient({ maxRetries: 0, sleep: async () => undefined, baseDelayMs: 1 });

function issues(): Issue[] {
  return Array.from({ length: ISSUES }, (_, i) => ({
    tenantId: `pemda-${i % 4}`,
    id: `isu-${String(i).padStart(3, '0')}`,
    name: `Isu ${i}`,
    query: QUERIES[i % QUERIES.length] as string,
    sources: ['x'],
    languages: [],
    status: 'active',
    detector: {},
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
  }));
}

async function storedKeys(repos: Repositories): Promise<string[]> {
  const out: string[] = [];
  for (const issue of issues()) {
    let cursor: string | undefined;
    do {
      const page = await repos.mentions.query(issue.id, {
        from: '2000-01-01T00:00:00.000Z',
        to: '2100-01-01T00:00:00.000Z',
        limit: 100,
        order: 'asc',
        cursor,
      });
      out.push(...page.items.map((m) => `${m.issueId}|${m.source}|${m.sourceId}`));
      cursor = page.nextCursor;
    } while (cursor);
  }
  return out.sort();
}

interface Setup {
  table: TestTable;
  repos: Repositories;
  /** One scheduled run: the planner, then every shard it (and its shards) started. */
  run(sharded: boolean): Promise<{
    shardEvents: ShardEvent[];
    fanout?: FanoutReport;
    reports: CollectReport[];
  }>;
  /** One shard event, as Lambda would deliver it (its successor, if any, is not started). */
  shard(event: ShardEvent): Promise<CollectReport>;
}

async function setup(x: XFake): Promise<Setup> {
  const table = await createTestTable('fanout');
  const repos = createRepositories({ doc: table.doc, tableName: table.tableName });
  for (const i of issues()) await repos.issues.create(i);
  const adapter = createXAdapter({
    http,
    credentials: createStaticCredentialStore({ X_BEARER_TOKEN: x.token }),
    endpoint: x.url,
    maxPages: 10,
    initialLookbackMinutes: 24 * 60,
  });
  const useCase = createCollectUseCase({ repos, adapters: { x: adapter } });
  async function run(sharded: boolean) {
    const shardEvents: ShardEvent[] = [];
    const reports: CollectReport[] = [];
    const invoker = createInProcessShardInvoker(async (event) => {
      shardEvents.push(event);
      const outcome = await dispatcher.dispatch(event, { deadline: Date.now() + 120_000 });
      if (outcome.kind === 'run') reports.push(outcome.report);
      return outcome;
    }, silentLog);
    const dispatcher = createCollectDispatcher({
      useCase,
      invoker,
      log: silentLog,
      intervalMs: 300_000,
      policy: () => (sharded ? POLICY : { scopesPerShard: 1_000, maxLanes: 1 }),
    });
    const outcome = await dispatcher.dispatch({ source: 'x' }, { deadline: Date.now() + 120_000 });
    await invoker.idle();
    if (outcome.kind === 'run') reports.push(outcome.report);
    return { shardEvents, fanout: outcome.kind === 'fanout' ? outcome.fanout : undefined, reports };
  }
  async function shard(event: ShardEvent) {
    const dispatcher = createCollectDispatcher({
      useCase,
      invoker: {
        invoke: async () => undefined,
      },
      log: silentLog,
      intervalMs: 300_000,
      policy: () => POLICY,
    });
    const outcome = await dispatcher.dispatch(event, { deadline: Date.now() + 120_000 });
    if (outcome.kind !== 'run') throw new Error('a shard event must run, not fan out');
    return outcome.report;
  }
  return { table, repos, run, shard };
}

describe('collect fan-out on DynamoDB Local', () => {
  let x: XFake;
  const tables: TestTable[] = [];

  beforeAll(async () => {
    const end = new Date(Date.now() - 60_000).toISOString();
    x = await startXFake({ tweets: makeTweets(90, end, [FIXTURE_USER]), users: [FIXTURE_USER] });
    // Three pages per search, so shards page with next_token like real searches do.
    x.pageSize = 40;
  });
  afterAll(async () => {
    await x.close();
    for (const t of tables) await t.drop();
  });

  it('stores the same mentions sharded as unsharded, and nothing twice on re-runs', async () => {
    const one = await setup(x);
    const many = await setup(x);
    tables.push(one.table, many.table);

    const single = await one.run(false);
    expect(single.fanout).toBeUndefined();
    expect(single.shardEvents).toEqual([]);

    const fanned = await many.run(true);
    expect(fanned.fanout).toMatchObject({ scopes: ISSUES, shards: 8, lanes: 2, failed: [] });
    // Every shard ran exactly once, two lanes, each shard index once.
    expect(fanned.shardEvents.map((e) => e.shard.index).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);

    const expected = await storedKeys(one.repos);
    expect(expected.length).toBeGreaterThan(ISSUES);
    const got = await storedKeys(many.repos);
    expect(got).toEqual(expected);
    expect(new Set(got).size).toBe(got.length);

    // The stored status counts the whole run: every shard's posts and mentions, as one run does.
    const statusOf = async (s: Setup) =>
      (await s.repos.sourceStatus.list()).find((st) => st.source === 'x');
    const runIds = new Set(fanned.shardEvents.map((e) => e.plan.runId));
    expect(runIds.size).toBe(1);
    const fannedStatus = await statusOf(many);
    expect(fannedStatus).toMatchObject({
      status: 'ok',
      runId: [...runIds][0],
      shards: 8,
      shardsPlanned: 8,
      mentionsWritten: expected.length,
      postsSeen: fanned.reports.reduce((n, r) => n + r.postsSeen, 0),
    });
    const singleStatus = await statusOf(one);
    expect(singleStatus).toMatchObject({
      shards: 1,
      shardsPlanned: 1,
      mentionsWritten: expected.length,
    });
    expect(fannedStatus?.postsSeen).toBe(singleStatus?.postsSeen);
    expect(fannedStatus?.runId).not.toBe(singleStatus?.runId);

    // A second scheduled run over the same window: cursors hold, nothing new, nothing twice.
    const second = await many.run(true);
    expect(await storedKeys(many.repos)).toEqual(expected);
    // Its status replaces the first run's counts: nothing written this time.
    expect(await statusOf(many)).toMatchObject({
      runId: second.shardEvents[0]?.plan.runId,
      shards: 8,
      mentionsWritten: 0,
      postsSeen: second.reports.reduce((n, r) => n + r.postsSeen, 0),
    });

    // New posts arrive: the next sharded run stores exactly what an unsharded run stores.
    const newer = makeTweets(20, new Date().toISOString(), [FIXTURE_USER]).map((t, i) => ({
      ...t,
      id: (BigInt(t.id) + 4096n + BigInt(i)).toString(),
    }));
    x.tweets.push(...newer);
    await one.run(false);
    await many.run(true);
    const after = await storedKeys(one.repos);
    expect(after.length).toBeGreaterThan(expected.length);
    expect(await storedKeys(many.repos)).toEqual(after);
  }, 120_000);

  it('counts a shard event from before run ids as a run of its own', async () => {
    const s = await setup(x);
    tables.push(s.table);
    // As queued by a planner of the previous release: no plan.runId; 8 lanes, so no successor.
    const old = (index: number): ShardEvent => ({
      source: 'x',
      shard: { index, count: 8 },
      plan: { lanes: 8, offset: 0, notAfter: new Date(Date.now() + 300_000).toISOString() },
    });
    const first = await s.shard(old(0));
    const second = await s.shard(old(1));
    expect(first.written).toBeGreaterThan(0);
    expect(second.written).toBeGreaterThan(0);
    expect(first.status.runId).not.toBe(second.status.runId);
    const [status] = (await s.repos.sourceStatus.list()).filter((st) => st.source === 'x');
    // Not added to the first: each is a run, and the later one replaced the earlier one.
    expect(status).toMatchObject({
      status: 'ok',
      runId: second.status.runId,
      shards: 1,
      shardsPlanned: 8,
      postsSeen: second.postsSeen,
      mentionsWritten: second.written,
    });
  }, 60_000);

  it('stops every shard when one of them is rate-limited, and the next run backs off', async () => {
    const s = await setup(x);
    tables.push(s.table);
    const before = x.requests.length;
    x.rateLimitReset = Math.floor(Date.now() / 1000) + 900;
    x.fail('rate-limit');
    const fanned = await s.run(true);
    const made = x.requests.length - before;
    expect(fanned.fanout?.shards).toBe(8);
    // Two lanes: the lane that hit the 429 ends; the other stops at its next scope or shard.
    expect(fanned.shardEvents.length).toBeLessThan(8);
    expect(made).toBeLessThan(ISSUES);
    const [status] = (await s.repos.sourceStatus.list()).filter((st) => st.source === 'x');
    expect(status?.status).toBe('rate-limited');
    expect(Date.parse(status?.until ?? '')).toBe(x.rateLimitReset * 1000);

    const again = x.requests.length;
    const next = await s.run(true);
    expect(next.fanout).toBeUndefined();
    expect(next.shardEvents).toEqual([]);
    expect(x.requests.length).toBe(again);
  }, 60_000);
});
