/**
 * The collect path under faults: the collect use case the Lambda runs, the real RSS adapter
 * reading a fake feed server on loopback, and the real repositories on DynamoDB Local over a
 * client that fails on demand; sources that fail or slow down through the source wrapper.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Repositories } from '../../../lib/domain/ports.ts';
import type { Issue, SourceName } from '../../../lib/domain/types.ts';
import { createCollectUseCase } from '../../../lib/pipeline/collect.ts';
import { createDemoSource } from '../../../lib/sources/demo.ts';
import { createHttpClient } from '../../../lib/sources/http.ts';
import { createRssSource } from '../../../lib/sources/rss.ts';
import {
  type FakeItem,
  type FakeRssServer,
  rssXml,
  startFakeRssServer,
} from '../../fakes/rss-server.ts';
import { awsErrors, faultySource } from '../../helpers/faults.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';
import { allMentions, cleanRepos, faultyRepos } from './support.ts';

const NOW = new Date('2026-03-10T03:00:00.000Z');
const http = createHttpClient({ maxRetries: 0, sleep: async () => undefined, baseDelayMs: 1 });

function items(feed: string, n: number): FakeItem[] {
  return Array.from({ length: n }, (_, i) => ({
    title: `Antrean BBM di SPBU ${feed} ke-${i}`,
    link: `https://portal.example.id/${feed}/${i}`,
    guid: `https://portal.example.id/${feed}/${i}`,
    pubDate: `Tue, 10 Mar 2026 09:${String(10 + i).padStart(2, '0')}:00 +0700`,
    description: `Warga antre BBM sejak pagi di ${feed}.`,
  }));
}

const FEEDS = { '/a': 8, '/b': 5, '/c': 3 };
const TOTAL = 8 + 5 + 3;

function issueOf(id: string, sources: SourceName[]): Issue {
  return {
    tenantId: 'pemprov',
    id,
    name: id,
    query: 'bbm',
    sources,
    languages: ['id'],
    status: 'active',
    detector: {},
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
  };
}

/** A mention put (the repositories' conditional create of a mention item). */
function isMentionPut(input: Record<string, unknown>): boolean {
  return (input.Item as { entityType?: unknown } | undefined)?.entityType === 'mention';
}

describe('collect under faults', () => {
  let table: TestTable;
  let repos: Repositories;
  let server: FakeRssServer;
  const url = (path: string) => server.url(path);
  const feedUrls = () => Object.keys(FEEDS).map(url);

  beforeAll(async () => {
    server = await startFakeRssServer(
      Object.fromEntries(
        Object.entries(FEEDS).map(([path, n]) => [
          path,
          { body: rssXml(items(path.slice(1), n)), etag: `"${path}-v1"` },
        ]),
      ),
    );
  });

  beforeEach(async () => {
    await table?.drop();
    table = await createTestTable('faults-collect');
    repos = cleanRepos(table);
    await repos.issues.create(issueOf('bbm', ['rss']));
    await repos.issues.create({ ...issueOf('demo', ['demo']), query: 'harga OR beras OR bbm' });
  });

  afterAll(async () => {
    await table?.drop();
    await server.close();
  });

  async function expectAllStoredOnce() {
    const stored = await allMentions(repos, 'bbm');
    expect(stored).toHaveLength(TOTAL);
    expect(new Set(stored.map((m) => m.id)).size).toBe(TOTAL);
    expect(new Set(stored.map((m) => m.url)).size).toBe(TOTAL);
  }

  it('keeps the cursor of a scope whose writes failed; the next run stores the rest, no duplicates', async () => {
    // Prepare: mention writes of the first feed start failing after three went through.
    const faulty = faultyRepos(table);
    faulty.faults.fail('PutCommand', {
      when: isMentionPut,
      after: 3,
      times: 2,
      error: awsErrors.throughputExceeded,
    });
    const rss = createRssSource({ http, feeds: feedUrls() });
    const collect = createCollectUseCase({
      repos: faulty.repos,
      adapters: { rss },
      now: () => NOW,
    });

    // Act 1
    const first = await collect.run('rss');

    // Assess 1: feed a failed and kept no cursor; the others went on and checkpointed.
    const byScope = Object.fromEntries(
      first.scopes.map((s) => [s.scope.replace(server.baseUrl, ''), s]),
    );
    expect(faulty.faults.injected('PutCommand')).toBe(2);
    expect(byScope['/a']).toMatchObject({ cursorAdvanced: false, errors: 1 });
    expect(byScope['/a']?.error).toMatch(/provisioned throughput/);
    expect(byScope['/b']).toMatchObject({ cursorAdvanced: true, written: 5, errors: 0 });
    expect(byScope['/c']).toMatchObject({ cursorAdvanced: true, written: 3, errors: 0 });
    expect(await repos.cursors.get('rss', url('/a'))).toBeUndefined();
    expect(await repos.cursors.get('rss', url('/b'))).toMatchObject({ etag: '"/b-v1"' });
    const status = (await repos.sourceStatus.list()).find((s) => s.source === 'rss');
    expect(status?.status).toBe('ok');
    expect(status?.lastError).toMatch(/\/a: .*provisioned throughput/);
    const afterFirst = (await allMentions(repos, 'bbm')).length;
    expect(afterFirst).toBeLessThan(TOTAL);

    // Act 2: the table is healthy again; the next scheduled run.
    faulty.faults.clear();
    const second = await collect.run('rss');

    // Assess 2: everything stored once; feed a fetched afresh, the others answered 304.
    await expectAllStoredOnce();
    const again = Object.fromEntries(
      second.scopes.map((s) => [s.scope.replace(server.baseUrl, ''), s]),
    );
    expect(again['/a']).toMatchObject({ matched: 8, cursorAdvanced: true, errors: 0 });
    expect((again['/a']?.written ?? 0) + (again['/a']?.duplicates ?? 0)).toBe(8);
    expect(again['/a']?.written).toBe(TOTAL - afterFirst);
    expect(again['/b']).toMatchObject({ matched: 0, written: 0 });
    expect(second.written).toBe(TOTAL - afterFirst);
  });

  it('stores nothing twice when mention writes commit but their answers are lost', async () => {
    // Prepare: every other mention write reaches the table, then the client sees a timeout.
    const faulty = faultyRepos(table, 3);
    faulty.faults.fail('PutCommand', {
      when: isMentionPut,
      probability: 0.5,
      phase: 'after',
      error: awsErrors.timeout,
    });
    const rss = createRssSource({ http, feeds: feedUrls() });
    const collect = createCollectUseCase({
      repos: faulty.repos,
      adapters: { rss },
      now: () => NOW,
    });

    // Act: runs until a run goes through without a fault, as the schedule would.
    const reports = [];
    for (let run = 0; run < 10; run++) {
      const report = await collect.run('rss');
      reports.push(report);
      if (report.scopes.every((s) => s.cursorAdvanced)) break;
      if (run === 5) faulty.faults.clear();
    }

    // Assess
    expect(faulty.faults.injected('PutCommand')).toBeGreaterThan(0);
    expect(reports.length).toBeGreaterThan(1);
    await expectAllStoredOnce();
    expect(reports.at(-1)?.scopes.every((s) => s.cursorAdvanced)).toBe(true);
  });

  it('goes on with the other scopes and sources when one scope fails or is slow, and records it', async () => {
    // Prepare: feed a times out, feed b answers slowly, feed c is fine; the demo source too.
    const { adapter: rss, faults } = faultySource(createRssSource({ http, feeds: feedUrls() }));
    faults.fail(url('/a'), { error: awsErrors.timeout });
    faults.slow(url('/b'), { ms: 200 });
    const demo = createDemoSource({ backfillMinutes: 0, postsPerRun: 50 });
    const collect = createCollectUseCase({ repos, adapters: { rss, demo }, now: () => NOW });

    // Act
    const rssRun = await collect.run('rss');
    const demoRun = await collect.run('demo');

    // Assess
    const byScope = Object.fromEntries(
      rssRun.scopes.map((s) => [s.scope.replace(server.baseUrl, ''), s]),
    );
    expect(byScope['/a']).toMatchObject({ cursorAdvanced: false, errors: 1, written: 0 });
    expect(byScope['/b']).toMatchObject({ cursorAdvanced: true, written: 5 });
    expect(byScope['/c']).toMatchObject({ cursorAdvanced: true, written: 3 });
    expect(faults.calls()).toBe(3);
    expect(demoRun.errors).toBe(0);
    expect(demoRun.written).toBeGreaterThan(0);
    const statuses = Object.fromEntries(
      (await repos.sourceStatus.list()).map((s) => [s.source, s]),
    );
    expect(statuses.rss).toMatchObject({ status: 'ok', mentionsWritten: 8 });
    expect(statuses.rss?.lastError).toMatch(/\/a: Connection timed out/);
    expect(statuses.demo).toMatchObject({ status: 'ok', mentionsWritten: demoRun.written });

    // Act 2: the feed recovers.
    faults.clear();
    await collect.run('rss');

    // Assess 2
    await expectAllStoredOnce();
  });

  it('records a source whose every scope fails as an error, and leaves its cursors alone', async () => {
    // Prepare
    const { adapter: rss, faults } = faultySource(createRssSource({ http, feeds: feedUrls() }));
    faults.fail('*', { error: awsErrors.timeout });
    const collect = createCollectUseCase({ repos, adapters: { rss }, now: () => NOW });

    // Act
    const report = await collect.run('rss');

    // Assess
    expect(report.scopes.every((s) => !s.cursorAdvanced && s.errors === 1)).toBe(true);
    const status = (await repos.sourceStatus.list()).find((s) => s.source === 'rss');
    expect(status?.status).toBe('error');
    for (const feed of feedUrls()) expect(await repos.cursors.get('rss', feed)).toBeUndefined();
    expect(await allMentions(repos, 'bbm')).toEqual([]);
  });

  it('stops at the deadline when a source is slow, and the next run picks up the rest', async () => {
    // Prepare: feed a takes longer than the whole run may.
    const { adapter: rss, faults } = faultySource(createRssSource({ http, feeds: feedUrls() }));
    faults.slow(url('/a'), { ms: 600, times: 1 });
    const collect = createCollectUseCase({
      repos,
      adapters: { rss },
      now: () => NOW,
      reserveMs: 100,
    });

    // Act
    const first = await collect.run('rss', { deadline: Date.now() + 400 });
    const second = await collect.run('rss');

    // Assess: the adapter started no request past the deadline and the run stopped there; the
    // slow scope kept no cursor, the others were left for the next run, which got everything.
    expect(first.stoppedBy).toBe('deadline');
    expect(first.scopes).toHaveLength(1);
    expect(first.scopes[0]).toMatchObject({ scope: url('/a'), cursorAdvanced: false, written: 0 });
    expect(first.scopes[0]?.error).toMatch(/no time left before the deadline/);
    expect(first.skippedScopes).toEqual([url('/b'), url('/c')]);
    expect(second.scopes.every((s) => s.cursorAdvanced && s.errors === 0)).toBe(true);
    await expectAllStoredOnce();
  });
});
