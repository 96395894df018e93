import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SourceAuthError,
  SourceError,
  SourceQuotaExhaustedError,
  SourceRateLimitedError,
} from '../../../lib/domain/errors.ts';
import type { CollectContext, CollectScope } from '../../../lib/domain/ports.ts';
import type { Issue } from '../../../lib/domain/types.ts';
import type { Log } from '../../../lib/runtime/log.ts';
import { createStaticCredentialStore } from '../../../lib/sources/credentials.ts';
import { createHttpClient } from '../../../lib/sources/http.ts';
import { createXAdapter, expandUrls, normalizeXLang } from '../../../lib/sources/x.ts';
import {
  FIXTURE_USER,
  fixtureTweet,
  makeTweets,
  startXFake,
  type XFake,
} from '../../fakes/x-server.ts';
import { collectContext, rejection } from './support.ts';

const NOW = new Date('2026-03-10T02:30:00.000Z');

function issue(query = '(antrean OR #BBMLangka) lang:id'): Issue {
  return {
    tenantId: 't1',
    id: 'bbm',
    name: 'BBM',
    query,
    sources: ['x'],
    languages: [],
    status: 'active',
    detector: {},
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
}

const ctx = (): CollectContext => collectContext(NOW);

function recordingLog() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push({ level, message, fields });
  const log: Log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

let fake: XFake;
const users = [
  FIXTURE_USER,
  { id: '11', name: 'Budi', username: 'budi_bks', followers: 88 },
  { id: '12', name: 'Sari', username: 'sari.id', followers: 4021 },
];

beforeEach(async () => {
  fake = await startXFake({ users });
});
afterEach(async () => {
  await fake.close();
});

function adapter(extra: Partial<Parameters<typeof createXAdapter>[0]> = {}) {
  return createXAdapter({
    http: createHttpClient({ sleep: async () => {}, maxRetries: 1 }),
    credentials: createStaticCredentialStore({ X_BEARER_TOKEN: fake.token }),
    endpoint: fake.url,
    now: () => NOW.getTime(),
    ...extra,
  });
}

function scopeOf(i: Issue): CollectScope {
  const [scope] = adapter().scopes([i]);
  if (!scope) throw new Error('no scope');
  return scope;
}

describe('X adapter', () => {
  it('makes one scope per active issue that lists X', () => {
    const a = adapter();
    const paused = { ...issue(), id: 'p', status: 'paused' as const };
    const rssOnly = { ...issue(), id: 'r', sources: ['rss' as const] };
    expect(a.scopes([issue(), paused, rssOnly])).toEqual([
      { scope: 'issue:bbm', issues: [issue()] },
    ]);
  });

  it('normalises the fixture: code-point entities, lang in→id, author, engagement, quote', async () => {
    fake.tweets = [fixtureTweet()];
    const result = await adapter().fetch(scopeOf(issue()), undefined, ctx());
    expect(result.requests).toBe(1);
    expect(result.posts).toEqual([
      {
        source: 'x',
        sourceId: '2031192246711251067',
        url: 'https://x.com/rinas_jkt/status/2031192246711251067',
        author: {
          id: '1402938475610293847',
          handle: 'rinas_jkt',
          name: 'Rina S.',
          followers: 1520,
        },
        text: 'Antrean BBM di SPBU Jl. Sudirman sudah 2 jam 😩 Mohon @KemenESDM cek stok #BBMLangka https://www.antaranews.com/berita/5123456',
        createdAt: '2026-03-10T02:15:44.000Z',
        lang: 'id',
        engagement: { likes: 230, reposts: 41, replies: 12, quotes: 5, views: 18450 },
        quoteOf: '2031187792360386577',
      },
    ]);
    expect(result.cursor).toEqual({
      query: '(antrean OR #BBMLangka) lang:in',
      sinceId: '2031192246711251067',
    });
    const sent = fake.requests[0];
    expect(sent?.searchParams.get('query')).toBe('(antrean OR #BBMLangka) lang:in');
    expect(sent?.searchParams.get('max_results')).toBe('100');
    expect(sent?.searchParams.get('expansions')).toContain('author_id');
    expect(sent?.searchParams.get('start_time')).toBe('2026-03-10T01:30:00.000Z');
    expect(sent?.searchParams.has('since_id')).toBe(false);
  });

  it('follows next_token, keeps the first page newest_id, then polls with since_id', async () => {
    fake.tweets = makeTweets(5, '2026-03-10T02:20:00.000Z', users);
    fake.pageSize = 2;
    const a = adapter();
    const first = await a.fetch(scopeOf(issue()), undefined, ctx());
    expect(first.requests).toBe(3);
    expect(first.posts.map((p) => p.sourceId)).toEqual(fake.tweets.map((t) => t.id));
    expect(first.cursor).toEqual({
      query: '(antrean OR #BBMLangka) lang:in',
      sinceId: fake.tweets[0]?.id,
    });
    expect(fake.requests[1]?.searchParams.get('next_token')).toBeTruthy();

    // New posts arrive; the next run asks only for what is newer.
    const newer = makeTweets(1, '2026-03-10T02:25:00.000Z', users);
    fake.tweets.push(...newer);
    const second = await a.fetch(scopeOf(issue()), first.cursor, ctx());
    expect(fake.requests[3]?.searchParams.get('since_id')).toBe(fake.tweets[0]?.id);
    expect(second.posts.map((p) => p.sourceId)).toEqual([newer[0]?.id]);
    expect(second.cursor).toMatchObject({ sinceId: newer[0]?.id });
  });

  it('stops at the page cap without a gap: keeps since_id and the pending next_token', async () => {
    fake.tweets = makeTweets(5, '2026-03-10T02:20:00.000Z', users);
    fake.pageSize = 2;
    const a = adapter({ maxPages: 1 });
    const base = { query: '(antrean OR #BBMLangka) lang:in', sinceId: '1' };
    const first = await a.fetch(scopeOf(issue()), base, ctx());
    expect(first.posts).toHaveLength(2);
    expect(first.cursor).toMatchObject({
      sinceId: '1',
      pendingNewestId: fake.tweets[0]?.id,
    });
    expect((first.cursor as { nextToken?: string }).nextToken).toBeTruthy();

    const second = await a.fetch(scopeOf(issue()), first.cursor, ctx());
    expect(fake.requests[1]?.searchParams.get('since_id')).toBe('1');
    expect(fake.requests[1]?.searchParams.get('next_token')).toBe(
      (first.cursor as { nextToken: string }).nextToken,
    );
    expect(second.posts.map((p) => p.sourceId)).toEqual([fake.tweets[2]?.id, fake.tweets[3]?.id]);

    const third = await a.fetch(scopeOf(issue()), second.cursor, ctx());
    expect(third.posts.map((p) => p.sourceId)).toEqual([fake.tweets[4]?.id]);
    // Paging done: the newest id of the whole search becomes the since_id.
    expect(third.cursor).toEqual({ query: base.query, sinceId: fake.tweets[0]?.id });
  });

  it('stops paging when the deadline is near and returns what it has', async () => {
    fake.tweets = makeTweets(5, '2026-03-10T02:20:00.000Z', users);
    fake.pageSize = 2;
    const result = await adapter({ pageReserveMs: 10_000, now: Date.now }).fetch(
      scopeOf(issue()),
      undefined,
      {
        now: NOW,
        deadline: Date.now() + 5_000,
      },
    );
    expect(result.requests).toBe(1);
    expect(result.posts).toHaveLength(2);
    expect(result.cursor).toMatchObject({
      startTime: '2026-03-10T01:30:00.000Z',
      pendingNewestId: fake.tweets[0]?.id,
    });
  });

  it('returns no posts and keeps the since_id on an empty result', async () => {
    const cursor = { query: '(antrean OR #BBMLangka) lang:in', sinceId: '2031192246711251067' };
    const result = await adapter().fetch(scopeOf(issue()), cursor, ctx());
    expect(result.posts).toEqual([]);
    expect(result.cursor).toEqual(cursor);
  });

  it('starts afresh when the issue query changed', async () => {
    fake.tweets = [fixtureTweet()];
    const old = { query: 'lama', sinceId: '2031192246711251067', nextToken: 'abc' };
    const result = await adapter().fetch(scopeOf(issue()), old, ctx());
    expect(fake.requests[0]?.searchParams.has('since_id')).toBe(false);
    expect(fake.requests[0]?.searchParams.has('next_token')).toBe(false);
    expect(result.posts).toHaveLength(1);
  });

  it('throws SourceRateLimitedError with the x-rate-limit-reset time', async () => {
    fake.rateLimitReset = Math.floor(Date.now() / 1000) + 900;
    fake.fail('rate-limit');
    const err = await rejection(adapter().fetch(scopeOf(issue()), undefined, ctx()));
    expect(err).toBeInstanceOf(SourceRateLimitedError);
    expect((err as SourceRateLimitedError).retryAt.getTime()).toBe(fake.rateLimitReset * 1000);
  });

  it('recognises the usage cap by its problem type, on 429 and 402, without retrying', async () => {
    for (const kind of ['usage-cap', 'usage-cap-402'] as const) {
      fake.requests.length = 0;
      fake.fail(kind);
      const err = await rejection(adapter().fetch(scopeOf(issue()), undefined, ctx()));
      expect(err).toBeInstanceOf(SourceQuotaExhaustedError);
      expect((err as SourceQuotaExhaustedError).retryAt.toISOString()).toBe(
        '2026-03-11T00:00:00.000Z',
      );
      expect(fake.requests).toHaveLength(1);
    }
  });

  it('throws SourceAuthError for a wrong token and for client-forbidden', async () => {
    const wrong = adapter({
      credentials: createStaticCredentialStore({ X_BEARER_TOKEN: 'nope' }),
    });
    expect(await rejection(wrong.fetch(scopeOf(issue()), undefined, ctx()))).toBeInstanceOf(
      SourceAuthError,
    );
    fake.fail('forbidden');
    const err = await rejection(adapter().fetch(scopeOf(issue()), undefined, ctx()));
    expect(err).toBeInstanceOf(SourceAuthError);
    expect((err as Error).message).toContain('Forbidden');
    expect((err as Error).message).not.toContain(fake.token);
  });

  it('throws SourceAuthError when the token is not configured', async () => {
    const none = adapter({ credentials: createStaticCredentialStore({}) });
    const err = await rejection(none.fetch(scopeOf(issue()), undefined, ctx()));
    expect(err).toBeInstanceOf(SourceAuthError);
    expect((err as Error).message).toContain('X_BEARER_TOKEN');
    expect(fake.requests).toHaveLength(0);
  });

  it('throws a typed malformed_response on truncated JSON', async () => {
    fake.fail('malformed');
    const err = await rejection(adapter().fetch(scopeOf(issue()), undefined, ctx()));
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).code).toBe('malformed_response');
  });

  it('retries a 503 and then succeeds', async () => {
    fake.tweets = [fixtureTweet()];
    fake.fail('server-error');
    const result = await adapter().fetch(scopeOf(issue()), undefined, ctx());
    expect(result.posts).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
  });

  it('keeps the data of a page with partial errors and logs them', async () => {
    fake.tweets = [fixtureTweet()];
    fake.fail('partial-errors');
    const { log, lines } = recordingLog();
    const result = await adapter({ log }).fetch(scopeOf(issue()), undefined, ctx());
    expect(result.posts).toHaveLength(1);
    expect(lines.find((l) => l.level === 'warn')?.fields).toMatchObject({ count: 1 });
  });

  it('decodes a mis-encoded body without throwing (replacement characters)', async () => {
    fake.tweets = [fixtureTweet()];
    fake.fail('latin1-body');
    const result = await adapter().fetch(scopeOf(issue()), undefined, ctx());
    expect(result.posts).toHaveLength(1);
    expect(result.posts[0]?.text).toContain('Antrean BBM');
    expect(result.posts[0]?.text).toContain('sudah 2 jam \ufffd Mohon');
  });

  it('restarts from the lookback window when X refuses a too-old since_id', async () => {
    fake.tweets = [fixtureTweet()];
    fake.fail('since-id-too-old');
    const old = { query: '(antrean OR #BBMLangka) lang:in', sinceId: '1' };
    const result = await adapter().fetch(scopeOf(issue()), old, ctx());
    expect(fake.requests[1]?.searchParams.has('since_id')).toBe(false);
    expect(fake.requests[1]?.searchParams.get('start_time')).toBe('2026-03-10T01:30:00.000Z');
    expect(result.cursor).toMatchObject({ sinceId: '2031192246711251067' });
  });

  it('maps replies and unescapes &amp;', async () => {
    const [t] = makeTweets(4, '2026-03-10T02:20:00.000Z', users).slice(3);
    if (!t) throw new Error('fixture');
    t.referenced_tweets = [{ type: 'replied_to', id: '99' }];
    fake.tweets = [t];
    const [post] = (await adapter().fetch(scopeOf(issue()), undefined, ctx())).posts;
    expect(post?.replyTo).toBe('99');
    expect(post?.text).toBe(
      'Banjir lagi di Kemang, air setinggi lutut & pompa belum jalan #banjirjakarta',
    );
  });

  it('wraps an issue query X cannot take in a typed error', async () => {
    const long = issue(Array.from({ length: 120 }, (_, i) => `kata${i}`).join(' OR '));
    const err = await rejection(adapter().fetch(scopeOf(long), undefined, ctx()));
    expect((err as SourceError).code).toBe('invalid_query');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('expandUrls', () => {
  it('counts code points, not UTF-16 units', () => {
    const text = '😩😩 lihat https://t.co/a';
    const expanded = expandUrls(text, [
      { start: 9, end: 25, url: 'https://t.co/a', expanded_url: 'https://contoh.id/x' },
    ]);
    expect(expanded).toBe('😩😩 lihat https://t.co/a');
    expect(
      expandUrls(text, [
        { start: 9, end: 23, url: 'https://t.co/a', expanded_url: 'https://contoh.id/x' },
      ]),
    ).toBe('😩😩 lihat https://contoh.id/x');
  });
});

describe('normalizeXLang', () => {
  it('maps in to id and the undetermined codes to und', () => {
    expect(normalizeXLang('in')).toBe('id');
    expect(normalizeXLang('en')).toBe('en');
    expect(normalizeXLang('qme')).toBe('und');
    expect(normalizeXLang('zxx')).toBe('und');
    expect(normalizeXLang(undefined)).toBe('und');
  });
});
