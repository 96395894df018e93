import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../../lib/domain/errors.ts';
import type { CollectContext } from '../../../lib/domain/ports.ts';
import type { Issue } from '../../../lib/domain/types.ts';
import { createHttpClient } from '../../../lib/sources/http.ts';
import { createRssSource, FeedRateLimitedError, parseFeed } from '../../../lib/sources/rss.ts';
import {
  atomXml,
  encodeWindows1252,
  type FakeRssServer,
  rssXml,
  startFakeRssServer,
} from '../../fakes/rss-server.ts';

const NOW = new Date('2026-03-10T03:00:00.000Z');
const ctx = (): CollectContext => ({ now: NOW, deadline: Date.now() + 20_000 });

const issue: Issue = {
  tenantId: 't1',
  id: 'i1',
  name: 'BBM',
  query: 'bbm',
  sources: ['rss'],
  languages: ['id'],
  status: 'active',
  detector: {},
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-01T00:00:00.000Z',
};

describe('parseFeed', () => {
  it('reads RSS 2.0 items with CDATA, +0700 dates, dc:creator and language', () => {
    const feed = parseFeed(
      rssXml([
        {
          title: 'Pertamina pastikan stok BBM di Jakarta aman',
          link: 'https://www.antaranews.com/berita/5123456/pertamina',
          guid: 'https://www.antaranews.com/berita/5123456/pertamina',
          pubDate: 'Tue, 10 Mar 2026 09:35:00 +0700',
          description:
            '<img src="bbm.jpg" />Jakarta (ANTARA) - PT Pertamina memastikan stok BBM aman...',
          creator: 'Redaksi',
        },
      ]),
      'https://www.antaranews.com/rss/terkini.xml',
    );
    expect(feed.format).toBe('rss');
    expect(feed.lang).toBe('id');
    expect(feed.items).toEqual([
      {
        identity: 'guid:https://antaranews.com/berita/5123456/pertamina',
        title: 'Pertamina pastikan stok BBM di Jakarta aman',
        link: 'https://www.antaranews.com/berita/5123456/pertamina',
        text: 'Jakarta (ANTARA) - PT Pertamina memastikan stok BBM aman...',
        author: 'Redaksi',
        publishedAt: '2026-03-10T02:35:00.000Z',
        sourceName: undefined,
        sourceUrl: undefined,
      },
    ]);
  });

  it('reads Atom entries', () => {
    const feed = parseFeed(
      atomXml([
        {
          id: 'urn:fake:1',
          title: 'Banjir &amp; rob di Pluit',
          link: 'https://atom.example.id/banjir-pluit',
          updated: '2026-03-10T08:00:00+07:00',
          summary: '<p>Air setinggi lutut</p>',
          author: 'Tim Metro',
        },
      ]),
      'https://atom.example.id/feed',
    );
    expect(feed.format).toBe('atom');
    expect(feed.items[0]).toMatchObject({
      identity: 'guid:urn:fake:1',
      title: 'Banjir & rob di Pluit',
      link: 'https://atom.example.id/banjir-pluit',
      text: 'Air setinggi lutut',
      author: 'Tim Metro',
      publishedAt: '2026-03-10T01:00:00.000Z',
    });
  });

  it('falls back to the canonical link when there is no guid', () => {
    const feed = parseFeed(
      rssXml([{ title: 'A', link: 'http://www.portal.example.id/a/?utm_source=rss' }]),
      'https://portal.example.id/rss',
    );
    expect(feed.items[0]?.identity).toBe('link:https://portal.example.id/a');
  });

  it('tolerates bare ampersands but rejects truncated XML with line and column', () => {
    const bare = rssXml([{ title: 'x', guid: '1' }]).replace(
      '<title>x</title>',
      '<title>A & B</title>',
    );
    expect(parseFeed(bare, 'u').items[0]?.title).toBe('A & B');
    const truncated = rssXml([{ title: 'Judul', guid: '1' }]).slice(0, -30);
    expect(() => parseFeed(truncated, 'https://portal.example.id/rss')).toThrow(
      /malformed XML at line \d+/,
    );
  });

  it('rejects an HTML page that is not a feed', () => {
    expect(() => parseFeed('<html><body>Consent</body></html>', 'u')).toThrow(
      expect.objectContaining({ code: 'not_a_feed' }),
    );
  });
});

describe('RSS adapter over HTTP', () => {
  let server: FakeRssServer;
  const http = createHttpClient({ maxRetries: 1, sleep: async () => undefined, baseDelayMs: 1 });

  beforeAll(async () => {
    server = await startFakeRssServer({
      '/etag': {
        body: rssXml([
          { title: 'BBM naik', guid: 'g1', pubDate: 'Tue, 10 Mar 2026 09:35:00 +0700' },
          { title: 'BBM langka', guid: 'g2', pubDate: 'Tue, 10 Mar 2026 09:36:00 +0700' },
        ]),
        etag: '"v1"',
        lastModified: 'Tue, 10 Mar 2026 02:40:00 GMT',
      },
      '/latin1': {
        body: encodeWindows1252(
          rssXml([{ title: 'Harga BBM naik, warga kecewa – “parah”', guid: 'l1' }], {
            encoding: 'windows-1252',
          }),
        ),
        contentType: 'application/rss+xml; charset=windows-1252',
      },
      '/iso': {
        body: Buffer.from(
          rssXml([{ title: 'Café BBM di Bogor', guid: 'iso1' }], { encoding: 'ISO-8859-1' }),
          'latin1',
        ),
        contentType: 'text/xml',
      },
      '/limited': { status: 429, body: 'slow down', headers: { 'retry-after': '600' } },
      '/gone': { status: 410, body: '' },
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('sends the conditional headers of its cursor and keeps the cursor on 304', async () => {
    const rss = createRssSource({ http, feeds: [server.url('/etag')] });
    const [scope] = rss.scopes([issue]);
    expect(scope).toBeDefined();
    if (!scope) return;
    const first = await rss.fetch(scope, undefined, ctx());
    expect(first.posts.map((p) => p.title)).toEqual(['BBM naik', 'BBM langka']);
    expect(first.cursor).toMatchObject({
      etag: '"v1"',
      lastModified: 'Tue, 10 Mar 2026 02:40:00 GMT',
    });
    const second = await rss.fetch(scope, first.cursor, ctx());
    expect(second).toEqual({ posts: [], cursor: undefined, requests: 1 });
    const last = server.requests.filter((r) => r.path === '/etag').at(-1);
    expect(last?.headers['if-none-match']).toBe('"v1"');
    expect(last?.headers['user-agent']).toMatch(/^Pantau\//);
  });

  it('skips items already in the cursor when a feed ignores conditional GET', async () => {
    const rss = createRssSource({ http, feeds: [server.url('/etag')] });
    const scope = rss.scopes([issue])[0];
    if (!scope) throw new Error('no scope');
    const first = await rss.fetch(scope, undefined, ctx());
    const noEtag = { ...first.cursor, etag: undefined, lastModified: undefined };
    const again = await rss.fetch(scope, noEtag, ctx());
    expect(again.posts).toEqual([]);
    expect(again.cursor?.seen).toEqual(first.cursor?.seen);
  });

  it('decodes windows-1252 and ISO-8859-1 feeds', async () => {
    const rss = createRssSource({ http, feeds: [server.url('/latin1'), server.url('/iso')] });
    const scopes = rss.scopes([issue]);
    const a = await rss.fetch(scopes[0] as never, undefined, ctx());
    const b = await rss.fetch(scopes[1] as never, undefined, ctx());
    expect(a.posts[0]?.title).toBe('Harga BBM naik, warga kecewa – “parah”');
    expect(b.posts[0]?.title).toBe('Café BBM di Bogor');
  });

  it('turns a portal 429 into a feed-scoped rate limit and other statuses into SourceError', async () => {
    const rss = createRssSource({ http, feeds: [server.url('/limited'), server.url('/gone')] });
    const [limited, gone] = rss.scopes([issue]);
    const err = await rss.fetch(limited as never, undefined, ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeedRateLimitedError);
    expect((err as FeedRateLimitedError).retryAt.getTime()).toBeGreaterThan(Date.now() + 500_000);
    const err2 = await rss.fetch(gone as never, undefined, ctx()).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(SourceError);
    expect((err2 as SourceError).message).toContain('HTTP 410');
  });

  it('has no scopes when no issue reads RSS', () => {
    const rss = createRssSource({ http, feeds: [server.url('/etag')] });
    expect(rss.scopes([{ ...issue, sources: ['x'] }])).toEqual([]);
  });
});
