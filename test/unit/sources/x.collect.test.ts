/**
 * Integration: the X and Bluesky adapters through the collect use case on DynamoDB Local, reading
 * their fake servers on 127.0.0.1. Checks what the adapter tests cannot: stored mentions, stored
 * cursors, re-runs without duplicates, the source status after a rate limit, and the Bluesky
 * session persisted as a cursor item.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repositories } from '../../../lib/domain/ports.ts';
import type { Issue, SourceName } from '../../../lib/domain/types.ts';
import { createCollectUseCase } from '../../../lib/pipeline/collect.ts';
import { createBlueskyAdapter, createCursorSessionStore } from '../../../lib/sources/bluesky.ts';
import { createStaticCredentialStore } from '../../../lib/sources/credentials.ts';
import { createHttpClient } from '../../../lib/sources/http.ts';
import { createXAdapter } from '../../../lib/sources/x.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import { type BlueskyFake, fixtureBskyPost, startBlueskyFake } from '../../fakes/bluesky-server.ts';
import {
  FIXTURE_USER,
  fixtureTweet,
  makeTweets,
  startXFake,
  type XFake,
} from '../../fakes/x-server.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';

const NOW = new Date('2026-03-10T02:30:00.000Z');
const http = createHttpClient({ maxRetries: 1, sleep: async () => undefined, baseDelayMs: 1 });

function issue(id: string, query: string, sources: SourceName[]): Issue {
  return {
    tenantId: 'pemprov',
    id,
    name: id,
    query,
    sources,
    languages: ['id'],
    status: 'active',
    detector: {},
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
  };
}

let table: TestTable;
let repos: Repositories;
let x: XFake;
let bsky: BlueskyFake;

beforeAll(async () => {
  table = await createTestTable('social');
  repos = createRepositories({ doc: table.doc, tableName: table.tableName });
  await repos.issues.create(issue('bbm', '(antrean OR #BBMLangka) lang:id', ['x']));
  await repos.issues.create(issue('banjir', 'banjir OR #banjirjakarta', ['bluesky']));
  x = await startXFake({ users: [FIXTURE_USER] });
  bsky = await startBlueskyFake();
});
afterAll(async () => {
  await x.close();
  await bsky.close();
  await table.drop();
});

function xAdapter() {
  return createXAdapter({
    http,
    credentials: createStaticCredentialStore({ X_BEARER_TOKEN: x.token }),
    endpoint: x.url,
  });
}

function bskyAdapter() {
  return createBlueskyAdapter({
    http,
    credentials: createStaticCredentialStore({
      BLUESKY_HANDLE: bsky.handle,
      BLUESKY_APP_PASSWORD: bsky.password,
      BLUESKY_PDS: bsky.url,
    }),
    sessions: createCursorSessionStore(repos.cursors),
  });
}

describe('social adapters through the collect use case', () => {
  it('stores X mentions and the cursor, and a re-run writes nothing twice', async () => {
    const made = makeTweets(3, '2026-03-10T02:20:00.000Z', [FIXTURE_USER]);
    x.tweets = [fixtureTweet(), ...made];
    const newest = made[0]?.id;
    const collect = createCollectUseCase({
      repos,
      adapters: { x: xAdapter() },
      now: () => NOW,
    });
    const first = await collect.run('x', { deadline: Date.now() + 60_000 });
    expect(first.stoppedBy).toBeUndefined();
    expect(first.postsSeen).toBe(4);
    // The fixture and the "Antrean BBM" template match; English-tagged and other posts do not.
    expect(first.written).toBeGreaterThanOrEqual(1);
    const page = await repos.mentions.query('bbm', {
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-11T00:00:00.000Z',
      limit: 50,
      order: 'desc',
    });
    const stored = page.items.find((m) => m.sourceId === '2031192246711251067');
    expect(stored).toMatchObject({
      source: 'x',
      lang: 'id',
      url: 'https://x.com/rinas_jkt/status/2031192246711251067',
      author: { handle: 'rinas_jkt', followers: 1520 },
      quoteOf: '2031187792360386577',
    });
    expect(await repos.cursors.get('x', 'issue:bbm')).toMatchObject({ sinceId: newest });

    const again = await collect.run('x', { deadline: Date.now() + 60_000 });
    expect(x.requests.at(-1)?.searchParams.get('since_id')).toBe(newest);
    expect(again.postsSeen).toBe(0);

    // A lost cursor makes the adapter read the same window again: nothing is stored twice.
    await repos.cursors.put('x', 'issue:bbm', {});
    const replay = await collect.run('x', { deadline: Date.now() + 60_000 });
    expect(replay.postsSeen).toBe(4);
    expect(replay.written).toBe(0);
    expect(replay.duplicates).toBe(first.written);
  });

  it('records a rate-limited X run in the source status', async () => {
    x.rateLimitReset = Math.floor(Date.now() / 1000) + 900;
    x.fail('rate-limit');
    const collect = createCollectUseCase({ repos, adapters: { x: xAdapter() }, now: () => NOW });
    const report = await collect.run('x', { deadline: Date.now() + 60_000 });
    expect(report.stoppedBy).toBe('rate-limited');
    expect(report.status.status).toBe('rate-limited');
    expect(report.status.until).toBe(new Date(x.rateLimitReset * 1000).toISOString());
  });

  it('keeps the Bluesky session in the table across collector processes', async () => {
    bsky.posts = [fixtureBskyPost()];
    for (let run = 0; run < 2; run++) {
      // A new adapter per run, as a new Lambda container would build it.
      const collect = createCollectUseCase({
        repos,
        adapters: { bluesky: bskyAdapter() },
        now: () => new Date('2026-03-10T01:30:00.000Z'),
      });
      const report = await collect.run('bluesky', { deadline: Date.now() + 60_000 });
      expect(report.stoppedBy).toBeUndefined();
    }
    expect(bsky.createSessionCalls).toBe(1);
    expect(await repos.cursors.get('bluesky', 'session')).toMatchObject({
      accessJwt: 'access-1',
      did: 'did:plc:pantautestaccount0000000',
    });
    const page = await repos.mentions.query('banjir', {
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-11T00:00:00.000Z',
      limit: 50,
      order: 'desc',
    });
    expect(page.items.map((m) => m.sourceId)).toEqual([fixtureBskyPost().uri]);
  });
});
