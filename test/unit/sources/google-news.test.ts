import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceRateLimitedError } from '../../../lib/domain/errors.ts';
import type { Issue } from '../../../lib/domain/types.ts';
import { createGoogleNewsSource } from '../../../lib/sources/google-news.ts';
import { createHttpClient } from '../../../lib/sources/http.ts';
import { type FakeRssServer, rssXml, startFakeRssServer } from '../../fakes/rss-server.ts';

const NOW = new Date('2026-03-10T03:00:00.000Z');

function issue(id: string, query: string, languages = ['id']): Issue {
  return {
    tenantId: 't1',
    id,
    name: id,
    query,
    sources: ['google-news'],
    languages,
    status: 'active',
    detector: {},
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
  };
}

describe('Google News adapter', () => {
  let server: FakeRssServer;
  let limited = false;

  beforeAll(async () => {
    server = await startFakeRssServer({}, () =>
      limited
        ? { status: 429, body: '', headers: { 'retry-after': '3600' } }
        : {
            body: rssXml(
              [
                {
                  title: 'Antrean BBM Mengular di SPBU Jakarta Pusat - detikNews',
                  link: 'https://news.google.com/rss/articles/CBMiXkFVX3lx?oc=5',
                  guid: 'CBMiXkFVX3lx',
                  guidIsPermaLink: false,
                  pubDate: 'Tue, 10 Mar 2026 02:48:00 GMT',
                  description:
                    '<a href="https://news.google.com/rss/articles/CBMiXk?oc=5">Antrean BBM Mengular di SPBU Jakarta Pusat</a>&nbsp;<font color="#6f6f6f">detikNews</font>',
                  cdata: false,
                  source: { url: 'https://news.detik.com', name: 'detikNews' },
                },
              ],
              { title: '"antrean bbm" - Google Berita' },
            ),
          },
    );
  });

  afterAll(async () => {
    await server.close();
  });

  const http = createHttpClient({ maxRetries: 0, sleep: async () => undefined });

  it('searches the compiled query in the Indonesian edition and normalises items', async () => {
    const gn = createGoogleNewsSource({ http, baseUrl: server.baseUrl });
    const [scope] = gn.scopes([issue('i1', '("antrean bbm" OR #BBMLangka) -hoaks')]);
    if (!scope) throw new Error('no scope');
    expect(scope.scope).toBe('issue:t1:i1');
    const res = await gn.fetch(scope, undefined, { now: NOW, deadline: Date.now() + 10_000 });
    const req = server.requests.at(-1);
    expect(req?.path).toBe('/rss/search');
    expect(req?.query.get('q')).toBe('("antrean bbm" OR BBMLangka) -hoaks when:7d');
    expect(req?.query.get('hl')).toBe('id');
    expect(req?.query.get('gl')).toBe('ID');
    expect(req?.query.get('ceid')).toBe('ID:id');
    expect(res.posts).toHaveLength(1);
    expect(res.posts[0]).toMatchObject({
      source: 'google-news',
      url: 'https://news.google.com/rss/articles/CBMiXkFVX3lx?oc=5',
      title: 'Antrean BBM Mengular di SPBU Jakarta Pusat',
      text: 'Antrean BBM Mengular di SPBU Jakarta Pusat',
      author: { handle: 'news.detik.com', name: 'detikNews' },
      createdAt: '2026-03-10T02:48:00.000Z',
      lang: 'id',
    });
    // A later run looks back only to its last check (plus a day) and skips what it stored.
    const again = await gn.fetch(scope, res.cursor, {
      now: new Date(NOW.getTime() + 3_600_000),
      deadline: Date.now() + 10_000,
    });
    expect(server.requests.at(-1)?.query.get('q')).toMatch(/when:2d$/);
    expect(again.posts).toEqual([]);
  });

  it('uses the English edition for English-only issues', async () => {
    const gn = createGoogleNewsSource({ http, baseUrl: server.baseUrl });
    const [scope] = gn.scopes([issue('i2', 'flood jakarta', ['en'])]);
    await gn.fetch(scope as never, undefined, { now: NOW, deadline: Date.now() + 10_000 });
    expect(server.requests.at(-1)?.query.get('ceid')).toBe('ID:en');
  });

  it('reports a 429 as a source-wide rate limit', async () => {
    limited = true;
    try {
      const gn = createGoogleNewsSource({ http, baseUrl: server.baseUrl });
      const [scope] = gn.scopes([issue('i3', 'banjir')]);
      const err = await gn
        .fetch(scope as never, undefined, { now: NOW, deadline: Date.now() + 10_000 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceRateLimitedError);
    } finally {
      limited = false;
    }
  });
});
