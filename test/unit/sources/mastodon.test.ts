import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SourceAuthError,
  type SourceError,
  SourceRateLimitedError,
} from '../../../lib/domain/errors.ts';
import type { CollectContext, CollectScope } from '../../../lib/domain/ports.ts';
import type { Issue } from '../../../lib/domain/types.ts';
import type { Log } from '../../../lib/runtime/log.ts';
import { createStaticCredentialStore } from '../../../lib/sources/credentials.ts';
import { createHttpClient } from '../../../lib/sources/http.ts';
import {
  createMastodonAdapter,
  htmlFragmentToText,
  type MastodonCursor,
  parseInstances,
  prevMinId,
} from '../../../lib/sources/mastodon.ts';
import {
  fixtureToot,
  type MastodonFake,
  makeToots,
  startMastodonFake,
} from '../../fakes/mastodon-server.ts';
import { collectContext, rejection } from './support.ts';

const NOW = new Date('2026-03-10T03:00:00.000Z');

function issue(query = '#banjir OR #banjirjakarta'): Issue {
  return {
    tenantId: 't1',
    id: 'banjir',
    name: 'Banjir',
    query,
    sources: ['mastodon'],
    languages: [],
    status: 'active',
    detector: {},
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
}

const ctx = (): CollectContext => collectContext(NOW);

let fake: MastodonFake;
let other: MastodonFake;
beforeEach(async () => {
  fake = await startMastodonFake();
  other = await startMastodonFake();
});
afterEach(async () => {
  await fake.close();
  await other.close();
});

function adapter(extra: Partial<Parameters<typeof createMastodonAdapter>[0]> = {}) {
  return createMastodonAdapter({
    http: createHttpClient({ sleep: async () => {}, maxRetries: 1 }),
    credentials: createStaticCredentialStore({ MASTODON_INSTANCES: fake.url }),
    ...extra,
  });
}

function scopeOf(i = issue()): CollectScope {
  const [s] = adapter().scopes([i]);
  if (!s) throw new Error('no scope');
  return s;
}

describe('Mastodon adapter', () => {
  it('normalises a toot: HTML to text, hashtags intact, full link, author handle with host', async () => {
    fake.toots = [fixtureToot()];
    const result = await adapter().fetch(scopeOf(), undefined, ctx());
    expect(result.posts).toEqual([
      {
        source: 'mastodon',
        sourceId: `${fake.url}/users/arif_k/statuses/116202528270717074`,
        url: `${fake.url}/@arif_k/116202528270717074`,
        author: {
          id: `${fake.url}/@arif_k`,
          handle: `arif_k@${fake.host}`,
          name: 'Arif K.',
          followers: 210,
        },
        text: 'Jalan Daan Mogot tergenang 30 cm 🌊 & macet. #banjir\n\nInfo: https://www.antaranews.com/berita/5123456',
        createdAt: '2026-03-10T02:31:07.412Z',
        lang: 'id',
        engagement: { likes: 9, reposts: 3, replies: 1, quotes: 0 },
      },
    ]);
    expect(result.cursor).toEqual({
      query: 'banjir banjirjakarta',
      minIds: { [`${fake.url}|banjir,banjirjakarta`]: '116202528270717074' },
    });
    const sent = fake.requests[0];
    expect(sent?.pathname).toBe('/api/v1/timelines/tag/banjir');
    expect(sent?.searchParams.getAll('any[]')).toEqual(['banjirjakarta']);
    expect(sent?.searchParams.has('min_id')).toBe(false);
  });

  it('pages forward with min_id from the Link header and never leaves a gap', async () => {
    const toots = makeToots(7, '2026-03-10T02:50:00.000Z');
    fake.toots = toots.slice(0, 2);
    const a = adapter({ pageSize: 2, maxPages: 2 });
    const first = await a.fetch(scopeOf(), undefined, ctx());
    expect(first.posts.map((p) => p.sourceId.split('/').pop())).toEqual([
      toots[1]?.id,
      toots[0]?.id,
    ]);

    // Five newer toots arrive; two pages of two are read this run, the fifth the next run.
    fake.toots = toots;
    const second = await a.fetch(scopeOf(), first.cursor, ctx());
    expect(fake.requests[1]?.searchParams.get('min_id')).toBe(toots[1]?.id);
    expect(fake.requests[2]?.searchParams.get('min_id')).toBe(toots[3]?.id);
    expect(second.posts.map((p) => p.sourceId.split('/').pop())).toEqual([
      toots[3]?.id,
      toots[2]?.id,
      toots[5]?.id,
      toots[4]?.id,
    ]);
    const third = await a.fetch(scopeOf(), second.cursor, ctx());
    expect(third.posts.map((p) => p.sourceId.split('/').pop())).toEqual([toots[6]?.id]);
    expect(Object.values((third.cursor as MastodonCursor).minIds ?? {})).toEqual([toots[6]?.id]);
  });

  it('treats an unknown tag (404) and an empty timeline as no posts', async () => {
    const result = await adapter().fetch(scopeOf(), undefined, ctx());
    expect(result.posts).toEqual([]);
    expect(result.cursor).toEqual({ query: 'banjir banjirjakarta', minIds: {} });
    fake.toots = [fixtureToot()];
    const cursor = {
      query: 'banjir banjirjakarta',
      minIds: { [`${fake.url}|banjir,banjirjakarta`]: '116202528270717074' },
    };
    const none = await adapter().fetch(scopeOf(), cursor, ctx());
    expect(none.posts).toEqual([]);
    expect(none.cursor).toEqual(cursor);
  });

  it('reads every configured instance and dedupes a toot seen through two of them', async () => {
    fake.toots = [fixtureToot()];
    other.toots = [
      { ...fixtureToot(), id: '9001', uri: `${fake.url}/users/arif_k/statuses/116202528270717074` },
      ...makeToots(1, '2026-03-10T02:40:00.000Z'),
    ];
    const a = adapter({
      credentials: createStaticCredentialStore({
        MASTODON_INSTANCES: `${fake.url}, ${other.url}/`,
      }),
    });
    const result = await a.fetch(scopeOf(), undefined, ctx());
    expect(result.posts).toHaveLength(2);
    expect(result.requests).toBe(2);
    expect(Object.keys((result.cursor as MastodonCursor).minIds ?? {})).toHaveLength(2);
  });

  it('keeps the other instances when one is rate-limited, and logs the failure', async () => {
    fake.toots = [fixtureToot()];
    other.toots = makeToots(1, '2026-03-10T02:40:00.000Z');
    fake.rateLimitReset = new Date(Date.now() + 600_000).toISOString();
    fake.fail('rate-limit');
    const lines: string[] = [];
    const log: Log = {
      debug() {},
      info() {},
      warn: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
      error() {},
    };
    const a = adapter({
      log,
      credentials: createStaticCredentialStore({ MASTODON_INSTANCES: `${fake.url},${other.url}` }),
    });
    const result = await a.fetch(scopeOf(), undefined, { now: NOW, deadline: Date.now() + 60_000 });
    expect(result.posts).toHaveLength(1);
    expect(lines.join()).toContain('rate-limited');
  });

  it('throws SourceRateLimitedError at the ISO X-RateLimit-Reset when the only instance is limited', async () => {
    fake.toots = [fixtureToot()];
    fake.rateLimitReset = '2027-01-01T00:05:00.000Z';
    fake.fail('rate-limit');
    const err = await rejection(adapter().fetch(scopeOf(), undefined, ctx()));
    expect(err).toBeInstanceOf(SourceRateLimitedError);
    expect((err as SourceRateLimitedError).retryAt.toISOString()).toBe('2027-01-01T00:05:00.000Z');
  });

  it('sends the configured token and throws SourceAuthError on 401', async () => {
    fake.toots = [fixtureToot()];
    fake.requireToken = 'tok-123';
    const err = await rejection(adapter().fetch(scopeOf(), undefined, ctx()));
    expect(err).toBeInstanceOf(SourceAuthError);
    expect((err as Error).message).toContain('The access token is invalid');
    const withToken = adapter({
      credentials: createStaticCredentialStore({
        MASTODON_INSTANCES: fake.url,
        MASTODON_TOKENS: `${fake.host}=tok-123`,
      }),
    });
    expect((await withToken.fetch(scopeOf(), undefined, ctx())).posts).toHaveLength(1);
  });

  it('throws typed errors for malformed JSON and a 502 HTML page', async () => {
    fake.toots = [fixtureToot()];
    fake.fail('malformed');
    const bad = await rejection(adapter().fetch(scopeOf(), undefined, ctx()));
    expect((bad as SourceError).code).toBe('malformed_response');
    fake.fail('server-error', 'server-error');
    const down = await rejection(adapter().fetch(scopeOf(), undefined, ctx()));
    expect((down as SourceError).code).toBe('upstream_error');
  });

  it('fails clearly when no instance is configured', async () => {
    const a = adapter({ credentials: createStaticCredentialStore({}) });
    const err = await rejection(a.fetch(scopeOf(), undefined, ctx()));
    expect((err as SourceError).code).toBe('not_configured');
  });

  it('maps null language to und and a reply to its parent id', async () => {
    fake.toots = [{ ...fixtureToot(), language: null, in_reply_to_id: '116202500000000000' }];
    const [post] = (await adapter().fetch(scopeOf(), undefined, ctx())).posts;
    expect(post?.lang).toBe('und');
    expect(post?.replyTo).toBe('116202500000000000');
  });
});

describe('helpers', () => {
  it('htmlFragmentToText keeps hashtags and decodes entities', () => {
    expect(htmlFragmentToText('<p>a &amp; b<br>c</p><p>#<span>tag</span> &#128514;</p>')).toBe(
      'a & b\nc\n\n#tag 😂',
    );
  });

  it('prevMinId reads the rel="prev" link', () => {
    expect(
      prevMinId(
        '<https://m.s/api/v1/timelines/tag/banjir?max_id=1>; rel="next", <https://m.s/api/v1/timelines/tag/banjir?min_id=22>; rel="prev"',
      ),
    ).toBe('22');
    expect(prevMinId(null)).toBeUndefined();
  });

  it('parseInstances accepts hosts and URLs', () => {
    expect(parseInstances(' mastodon.social, https://kolektiva.social/ ,')).toEqual([
      'https://mastodon.social',
      'https://kolektiva.social',
    ]);
  });
});
