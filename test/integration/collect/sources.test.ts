/**
 * Every network source through the collect use case on DynamoDB Local, against its fake server on
 * 127.0.0.1: the first run stores the matching posts over several pages and a cursor per scope,
 * the next two runs store nothing twice, new posts are picked up exactly once, and a lost cursor
 * (a re-read of the whole window) writes 0 duplicates. The source status is `ok` after each run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repositories, SourceAdapter } from '../../../lib/domain/ports.ts';
import type { Issue, SourceName } from '../../../lib/domain/types.ts';
import { createCollectUseCase } from '../../../lib/pipeline/collect.ts';
import { createBlueskyAdapter, createMemorySessionStore } from '../../../lib/sources/bluesky.ts';
import { createStaticCredentialStore } from '../../../lib/sources/credentials.ts';
import { createHttpClient } from '../../../lib/sources/http.ts';
import { createMastodonAdapter } from '../../../lib/sources/mastodon.ts';
import { createSourceAdapter } from '../../../lib/sources/registry.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import { type BlueskyFake, makeBskyPosts, startBlueskyFake } from '../../fakes/bluesky-server.ts';
import { type MastodonFake, makeToots, startMastodonFake } from '../../fakes/mastodon-server.ts';
import { type FakeRssServer, rssXml, startFakeRssServer } from '../../fakes/rss-server.ts';
import { FIXTURE_USER, makeTweets, startXFake, type XFake } from '../../fakes/x-server.ts';
import { makeVideos, startYouTubeFake, type YouTubeFake } from '../../fakes/youtube-server.ts';
import { allMentions } from '../../helpers/mentions.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';

// The adapters bound their look-back by the clock; the fakes' posts sit just before "now".
const END = new Date(Date.now() - 10 * 60_000);
const http = createHttpClient({ maxRetries: 1, sleep: async () => undefined, baseDelayMs: 1 });

interface SourceCase {
  source: SourceName;
  /** One issue whose query matches some of the fake's posts. */
  query: string;
  /** Fills the fake with `n` posts ending at `end`; returns how many the query should match. */
  fill(n: number, end: Date): void;
  adapter(): SourceAdapter;
  /**
   * Which run must page (more than one request). Mastodon's first run only marks where "now" is
   * (one page); Google News RSS has no paging.
   */
  pages: 'first' | 'later' | 'none';
}

let table: TestTable;
let repos: Repositories;
let x: XFake;
let yt: YouTubeFake;
let bsky: BlueskyFake;
let masto: MastodonFake;
let news: FakeRssServer;
const newsItems: { title: string; link: string; guid: string; pubDate: string }[] = [];

function issue(id: string, query: string, source: SourceName): Issue {
  return {
    tenantId: 'kominfo',
    id,
    name: id,
    query,
    sources: [source],
    languages: ['id'],
    status: 'active',
    detector: {},
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
  };
}

const CASES: SourceCase[] = [
  {
    source: 'x',
    pages: 'first',
    query: 'antrean OR bbm OR beras',
    fill: (n, end) => {
      x.tweets = [...makeTweets(n, end.toISOString(), x.users), ...x.tweets];
    },
    adapter: () =>
      createSourceAdapter('x', {
        http,
        credentials: createStaticCredentialStore({ X_BEARER_TOKEN: x.token }),
        endpoints: { x: x.url },
      }),
  },
  {
    source: 'youtube',
    pages: 'first',
    query: 'antrean OR bbm OR beras',
    fill: (n, end) => {
      // One video every hour: a few per batch keep each batch newer than the last.
      const made = makeVideos(Math.max(1, Math.floor(n / 6)), 2, end.toISOString());
      const tag = String(end.getTime());
      for (const v of made.videos) v.videoId = `${v.videoId}-${tag}`;
      for (const c of made.comments) {
        c.videoId = `${c.videoId}-${tag}`;
        c.id = `${c.id}-${tag}`;
      }
      yt.videos.push(...made.videos);
      yt.comments.push(...made.comments);
    },
    adapter: () =>
      createSourceAdapter('youtube', {
        http,
        credentials: createStaticCredentialStore({ YOUTUBE_API_KEY: yt.key }),
        endpoints: { youtube: yt.url },
      }),
  },
  {
    source: 'bluesky',
    pages: 'first',
    query: 'banjir OR pompa OR beras',
    fill: (n, end) => {
      const tag = String(end.getTime());
      const made = makeBskyPosts(n, end.toISOString()).map((p) => ({
        ...p,
        uri: `${p.uri}${tag}`,
      }));
      bsky.posts = [...made, ...bsky.posts];
    },
    adapter: () =>
      createBlueskyAdapter({
        http,
        pageSize: 5,
        credentials: createStaticCredentialStore({
          BLUESKY_HANDLE: bsky.handle,
          BLUESKY_APP_PASSWORD: bsky.password,
          BLUESKY_PDS: bsky.url,
        }),
        sessions: createMemorySessionStore(),
      }),
  },
  {
    source: 'mastodon',
    pages: 'later',
    query: '#banjir',
    fill: (n, end) => {
      // Ids grow with time, so a later batch sorts after the earlier one as on a real instance.
      masto.toots = [...masto.toots, ...makeToots(n, end.toISOString())];
    },
    adapter: () =>
      createMastodonAdapter({
        http,
        pageSize: 5,
        credentials: createStaticCredentialStore({ MASTODON_INSTANCES: masto.url }),
      }),
  },
  {
    source: 'google-news',
    pages: 'none',
    query: '"harga beras"',
    fill: (n, end) => {
      for (let i = 0; i < n; i++) {
        const at = new Date(end.getTime() - i * 60_000);
        const id = `${end.getTime()}-${i}`;
        newsItems.unshift({
          title: `Harga beras naik lagi di pasar ${id} - Antara`,
          link: `https://news.google.com/rss/articles/${id}?oc=5`,
          guid: id,
          pubDate: at.toUTCString(),
        });
      }
    },
    adapter: () =>
      createSourceAdapter('google-news', { http, endpoints: { 'google-news': news.baseUrl } }),
  },
];

beforeAll(async () => {
  table = await createTestTable('sources');
  repos = createRepositories({ doc: table.doc, tableName: table.tableName });
  x = await startXFake({ users: [FIXTURE_USER] });
  x.pageSize = 10;
  yt = await startYouTubeFake();
  yt.pageSize = 5;
  bsky = await startBlueskyFake();
  masto = await startMastodonFake();
  news = await startFakeRssServer({}, () => ({
    body: rssXml(
      newsItems.map((item) => ({ ...item, guidIsPermaLink: false })),
      { title: '"harga beras" - Google Berita' },
    ),
  }));
  for (const c of CASES) await repos.issues.create(issue(`i-${c.source}`, c.query, c.source));
});

afterAll(async () => {
  await Promise.all([x.close(), yt.close(), bsky.close(), masto.close(), news.close()]);
  await table.drop();
});

async function issuesOf(source: SourceName): Promise<Issue[]> {
  return (await repos.issues.listActive()).filter((i) => i.sources.includes(source));
}

async function storedIds(source: SourceName): Promise<string[]> {
  return (await allMentions(repos, `i-${source}`)).map((m) => m.sourceId);
}

describe.each(CASES)('$source through the collect use case', (c) => {
  it('stores over pages, keeps cursors, and three runs plus a replay write nothing twice', async () => {
    const adapter = c.adapter();
    const collect = createCollectUseCase({ repos, adapters: { [c.source]: adapter } });
    const run = () => collect.run(c.source, { deadline: Date.now() + 60_000 });

    c.fill(24, new Date(END.getTime() - 20 * 60_000));
    const first = await run();
    expect(first.stoppedBy).toBeUndefined();
    expect(first.errors).toBe(0);
    expect(first.status.status).toBe('ok');
    expect(first.written).toBeGreaterThan(0);
    expect(first.requests).toBeGreaterThanOrEqual(c.pages === 'first' ? 2 : 1);
    const afterFirst = await storedIds(c.source);
    expect(afterFirst).toHaveLength(first.written);
    expect(new Set(afterFirst).size).toBe(afterFirst.length);
    for (const scope of adapter.scopes(await issuesOf(c.source))) {
      if (scope.issues.length > 0) {
        expect(await repos.cursors.get(c.source, scope.scope)).toBeDefined();
      }
    }

    for (const again of [await run(), await run()]) {
      expect(again.written).toBe(0);
      expect(again.errors).toBe(0);
      expect(again.status.status).toBe('ok');
    }
    expect(await storedIds(c.source)).toHaveLength(first.written);

    c.fill(6, END);
    const later = await run();
    expect(later.written).toBeGreaterThan(0);
    expect(later.requests).toBeGreaterThanOrEqual(c.pages === 'later' ? 2 : 1);
    const afterLater = await storedIds(c.source);
    expect(afterLater).toHaveLength(first.written + later.written);
    expect(new Set(afterLater).size).toBe(afterLater.length);

    // A lost cursor re-reads the window: every match is already stored.
    for (const scope of adapter.scopes(await issuesOf(c.source))) {
      await repos.cursors.put(c.source, scope.scope, {});
    }
    const replay = await run();
    expect(replay.written).toBe(0);
    expect(replay.duplicates).toBeGreaterThan(0);
    expect(await storedIds(c.source)).toHaveLength(afterLater.length);
    const status = (await repos.sourceStatus.list()).find((s) => s.source === c.source);
    expect(status?.status).toBe('ok');
  });
});
