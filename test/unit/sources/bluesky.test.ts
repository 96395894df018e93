import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SourceAuthError,
  type SourceError,
  SourceRateLimitedError,
} from '../../../lib/domain/errors.ts';
import type { CollectContext, CollectScope, CursorRepository } from '../../../lib/domain/ports.ts';
import type { Issue, SourceName } from '../../../lib/domain/types.ts';
import {
  type BlueskyCursor,
  createBlueskyAdapter,
  createCursorSessionStore,
  createMemorySessionStore,
  expandLinkFacets,
  facetSpans,
  normalizeBlueskyPost,
  type SessionStore,
} from '../../../lib/sources/bluesky.ts';
import { createStaticCredentialStore } from '../../../lib/sources/credentials.ts';
import { createHttpClient } from '../../../lib/sources/http.ts';
import {
  type BlueskyFake,
  fixtureBskyPost,
  makeBskyPosts,
  startBlueskyFake,
} from '../../fakes/bluesky-server.ts';
import { collectContext, rejection } from './support.ts';

const NOW = new Date('2026-03-10T01:30:00.000Z');

const ISSUE: Issue = {
  tenantId: 't1',
  id: 'banjir',
  name: 'Banjir',
  query: 'banjir OR #banjirjakarta',
  sources: ['bluesky'],
  languages: [],
  status: 'active',
  detector: {},
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
};

const ctx = (): CollectContext => collectContext(NOW);

let fake: BlueskyFake;
let sessions: SessionStore;
beforeEach(async () => {
  fake = await startBlueskyFake();
  sessions = createMemorySessionStore();
});
afterEach(async () => {
  await fake.close();
});

function adapter(extra: Partial<Parameters<typeof createBlueskyAdapter>[0]> = {}) {
  return createBlueskyAdapter({
    http: createHttpClient({ sleep: async () => {}, maxRetries: 1 }),
    credentials: createStaticCredentialStore({
      BLUESKY_HANDLE: fake.handle,
      BLUESKY_APP_PASSWORD: fake.password,
      BLUESKY_PDS: fake.url,
    }),
    sessions,
    ...extra,
  });
}

function scope(): CollectScope {
  const [s] = adapter().scopes([ISSUE]);
  if (!s) throw new Error('no scope');
  return s;
}

describe('Bluesky adapter', () => {
  it('logs in once, searches, and normalises a post (byte-offset facets, reply, lang)', async () => {
    fake.posts = [fixtureBskyPost()];
    const result = await adapter().fetch(scope(), undefined, ctx());
    expect(fake.createSessionCalls).toBe(1);
    expect(result.posts).toEqual([
      {
        source: 'bluesky',
        sourceId: 'at://did:plc:7xq2k4m5n6p7r8s9t0u1v2w3/app.bsky.feed.post/3mgo6coefyc2b',
        url: 'https://bsky.app/profile/budi.bsky.social/post/3mgo6coefyc2b',
        author: {
          id: 'did:plc:7xq2k4m5n6p7r8s9t0u1v2w3',
          handle: 'budi.bsky.social',
          name: 'Budi Santoso',
        },
        text: 'Banjir lagi di Kemang 🌊 pagi ini, air setinggi lutut. Pemprov mohon cek pompa #banjirjakarta https://www.antaranews.com/berita/5123456',
        createdAt: '2026-03-10T01:02:03.456Z',
        lang: 'id',
        engagement: { likes: 17, reposts: 5, replies: 2, quotes: 1 },
        replyTo: 'at://did:plc:4abcd5efgh6ijkl7mnop8qrs/app.bsky.feed.post/3mgo53a7qic25',
      },
    ]);
    expect(result.cursor).toEqual({
      query: 'banjir OR #banjirjakarta',
      since: '2026-03-10T01:01:03.456Z',
    });
    const search = fake.requests.find((r) => r.url.pathname.endsWith('searchPosts'));
    expect(search?.authorization).toBe('Bearer access-1');
    expect(search?.url.searchParams.get('sort')).toBe('latest');
    expect(search?.url.searchParams.get('since')).toBe('2026-03-10T00:30:00.000Z');
    expect(result.requests).toBe(1);
  });

  it('reuses the stored session across runs and adapter instances', async () => {
    await adapter().fetch(scope(), undefined, ctx());
    await adapter().fetch(scope(), undefined, ctx());
    await adapter().fetch(scope(), undefined, ctx());
    expect(fake.createSessionCalls).toBe(1);
  });

  it('refreshes an expired access token with the refresh JWT and saves the new tokens', async () => {
    fake.posts = [fixtureBskyPost()];
    await adapter().fetch(scope(), undefined, ctx());
    fake.fail('expire-access');
    const result = await adapter().fetch(scope(), undefined, ctx());
    expect(result.posts).toHaveLength(1);
    expect(fake.refreshCalls).toBe(1);
    expect(fake.createSessionCalls).toBe(1);
    expect((await sessions.load())?.accessJwt).toBe('access-2');
    const refreshReq = fake.requests.find((r) => r.url.pathname.endsWith('refreshSession'));
    expect(refreshReq?.authorization).toBe('Bearer refresh-1');
  });

  it('logs in again only when the refresh JWT is dead too', async () => {
    await adapter().fetch(scope(), undefined, ctx());
    fake.fail('expire-access', 'expire-refresh');
    const result = await adapter().fetch(scope(), undefined, ctx());
    expect(result.posts).toEqual([]);
    expect(fake.refreshCalls).toBe(1);
    expect(fake.createSessionCalls).toBe(2);
  });

  it('shares one login between concurrent scopes', async () => {
    const a = adapter();
    await Promise.all([
      a.fetch(scope(), undefined, ctx()),
      a.fetch(scope(), undefined, ctx()),
      a.fetch(scope(), undefined, ctx()),
    ]);
    expect(fake.createSessionCalls).toBe(1);
  });

  it('throws SourceAuthError for a wrong app password and does not retry the login', async () => {
    const a = adapter({
      credentials: createStaticCredentialStore({
        BLUESKY_HANDLE: fake.handle,
        BLUESKY_APP_PASSWORD: 'wrong',
        BLUESKY_PDS: fake.url,
      }),
    });
    const err = await rejection(a.fetch(scope(), undefined, ctx()));
    expect(err).toBeInstanceOf(SourceAuthError);
    expect((err as Error).message).toContain('Invalid identifier or password');
    expect((err as Error).message).not.toContain('wrong');
    expect(await rejection(a.fetch(scope(), undefined, ctx()))).toBeInstanceOf(SourceAuthError);
    expect(fake.createSessionCalls).toBe(1);
  });

  it('backs off a rate-limited login until RateLimit-Reset: no createSession storm', async () => {
    fake.rateLimitReset = Math.floor(Date.now() / 1000) + 300;
    fake.fail('login-rate-limit');
    const a = adapter();
    const err = await rejection(a.fetch(scope(), undefined, ctx()));
    expect(err).toBeInstanceOf(SourceRateLimitedError);
    expect((err as SourceRateLimitedError).retryAt.getTime()).toBe(fake.rateLimitReset * 1000);
    expect(await rejection(a.fetch(scope(), undefined, ctx()))).toBeInstanceOf(
      SourceRateLimitedError,
    );
    expect(fake.createSessionCalls).toBe(1);
  });

  it('pages with the cursor, keeps the pending page over runs, then moves since', async () => {
    fake.posts = makeBskyPosts(5, '2026-03-10T01:20:00.000Z');
    const a = adapter({ pageSize: 2, maxPages: 2 });
    const first = await a.fetch(scope(), undefined, ctx());
    expect(first.posts.map((p) => p.sourceId)).toEqual(fake.posts.slice(0, 4).map((p) => p.uri));
    expect(first.cursor).toEqual({
      query: 'banjir OR #banjirjakarta',
      since: '2026-03-10T00:30:00.000Z',
      pageCursor: '4',
      pendingNewest: '2026-03-10T01:20:00.000Z',
    });
    const second = await a.fetch(scope(), first.cursor, ctx());
    const req = fake.requests.filter((r) => r.url.pathname.endsWith('searchPosts')).at(-1);
    expect(req?.url.searchParams.get('cursor')).toBe('4');
    expect(req?.url.searchParams.get('since')).toBe('2026-03-10T00:30:00.000Z');
    expect(second.posts.map((p) => p.sourceId)).toEqual([fake.posts[4]?.uri]);
    expect(second.cursor).toEqual({
      query: 'banjir OR #banjirjakarta',
      since: '2026-03-10T01:19:00.000Z',
    });
  });

  it('keeps the since on an empty result', async () => {
    const cursor: BlueskyCursor = {
      query: 'banjir OR #banjirjakarta',
      since: '2026-03-10T01:00:00.000Z',
    };
    const result = await adapter().fetch(scope(), cursor, ctx());
    expect(result.posts).toEqual([]);
    expect(result.cursor).toEqual(cursor);
  });

  it('throws SourceRateLimitedError at RateLimit-Reset for a limited search', async () => {
    await adapter().fetch(scope(), undefined, ctx());
    fake.rateLimitReset = Math.floor(Date.now() / 1000) + 250;
    fake.fail('rate-limit');
    const err = await rejection(adapter().fetch(scope(), undefined, ctx()));
    expect(err).toBeInstanceOf(SourceRateLimitedError);
    expect((err as SourceRateLimitedError).retryAt.getTime()).toBe(fake.rateLimitReset * 1000);
  });

  it('throws typed errors for malformed JSON and a bad query', async () => {
    fake.fail('malformed');
    const bad = await rejection(adapter().fetch(scope(), undefined, ctx()));
    expect((bad as SourceError).code).toBe('malformed_response');
    fake.fail('bad-query');
    const query = await rejection(adapter().fetch(scope(), undefined, ctx()));
    expect((query as SourceError).code).toBe('bad_request');
    expect((query as Error).message).toContain('BadQueryString');
  });

  it('persists the session as a cursor item', async () => {
    const items = new Map<string, Record<string, unknown>>();
    const cursors: CursorRepository = {
      get: async (source: SourceName, s: string) => items.get(`${source}|${s}`),
      put: async (source: SourceName, s: string, c: Record<string, unknown>) => {
        items.set(`${source}|${s}`, c);
      },
    };
    const store = createCursorSessionStore(cursors);
    await adapter({ sessions: store }).fetch(scope(), undefined, ctx());
    expect(items.get('bluesky|session')).toMatchObject({
      accessJwt: 'access-1',
      refreshJwt: 'refresh-1',
      handle: fake.handle,
    });
    await adapter({ sessions: createCursorSessionStore(cursors) }).fetch(scope(), undefined, ctx());
    expect(fake.createSessionCalls).toBe(1);
  });
});

describe('facets', () => {
  it('converts UTF-8 byte offsets to string indexes past emoji', () => {
    const post = fixtureBskyPost();
    const text = post.record.text;
    const spans = facetSpans(text, post.record.facets as never);
    expect(spans.map((s) => [s.kind, text.slice(s.start, s.end)])).toEqual([
      ['tag', '#banjirjakarta'],
      ['link', 'antaranews.com/berita/51...'],
    ]);
  });

  it('drops offsets inside a character or past the end', () => {
    const text = 'é 🌊 #a';
    expect(
      facetSpans(text, [
        {
          index: { byteStart: 1, byteEnd: 3 },
          features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'x' }],
        },
        {
          index: { byteStart: 8, byteEnd: 40 },
          features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'y' }],
        },
        {
          index: { byteStart: 8, byteEnd: 10 },
          features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'a' }],
        },
      ]),
    ).toEqual([{ start: 5, end: 7, kind: 'tag', value: 'a' }]);
  });

  it('leaves a custom link label alone', () => {
    const text = 'baca di sini ya';
    const facets = [
      {
        index: { byteStart: 5, byteEnd: 12 },
        features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://contoh.go.id/x' }],
      },
    ];
    expect(expandLinkFacets(text, facets)).toBe(text);
  });

  it('reads a quote from the embed and bounds a future createdAt by indexedAt', () => {
    const post = fixtureBskyPost();
    post.record.createdAt = '2030-01-01T00:00:00.000Z';
    post.embed = {
      $type: 'app.bsky.embed.record#view',
      record: { uri: 'at://did:plc:q/app.bsky.feed.post/3quoted' },
    };
    const normal = normalizeBlueskyPost(post as never);
    expect(normal?.quoteOf).toBe('at://did:plc:q/app.bsky.feed.post/3quoted');
    expect(normal?.createdAt).toBe('2026-03-10T01:02:04.789Z');
  });
});
