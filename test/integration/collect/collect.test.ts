/**
 * The collect use case end to end on DynamoDB Local, with the real RSS, Google News and demo
 * adapters reading a fake feed server on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repositories } from '../../../lib/domain/ports.ts';
import type { Issue, SourceName } from '../../../lib/domain/types.ts';
import { createCollectUseCase } from '../../../lib/pipeline/collect.ts';
import { createDemoSource, DEMO_ISSUES } from '../../../lib/sources/demo.ts';
import { createGoogleNewsSource } from '../../../lib/sources/google-news.ts';
import { createHttpClient } from '../../../lib/sources/http.ts';
import { createRssSource } from '../../../lib/sources/rss.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import {
  encodeWindows1252,
  type FakeRssServer,
  rssXml,
  startFakeRssServer,
} from '../../fakes/rss-server.ts';
import { allMentions } from '../../helpers/mentions.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';

const NOW = new Date('2026-03-10T03:00:00.000Z');
const http = createHttpClient({ maxRetries: 1, sleep: async () => undefined, baseDelayMs: 1 });

function issue(
  id: string,
  query: string,
  sources: SourceName[],
  extra: Partial<Issue> = {},
): Issue {
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
    ...extra,
  };
}

const FEEDS = {
  '/etag': {
    body: rssXml([
      {
        title: 'Pertamina pastikan stok BBM di Jakarta aman',
        link: 'https://www.antaranews.com/berita/5123456/pertamina-pastikan-stok-bbm',
        guid: 'https://www.antaranews.com/berita/5123456/pertamina-pastikan-stok-bbm',
        pubDate: 'Tue, 10 Mar 2026 09:35:00 +0700',
        description:
          '<img src="https://cdn.example.id/bbm.jpg" />Jakarta (ANTARA) - stok BBM aman.',
      },
      {
        title: 'Harga cabai turun di pasar induk',
        guid: 'cabai-1',
        guidIsPermaLink: false,
        pubDate: 'Tue, 10 Mar 2026 09:00:00 +0700',
        description: 'Tidak terkait isu.',
      },
    ]),
    etag: '"feed-v1"',
    lastModified: 'Tue, 10 Mar 2026 02:40:00 GMT',
  },
  '/empty': { body: rssXml([]) },
  '/limited': { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '900' } },
  '/malformed': { body: rssXml([{ title: 'BBM', guid: 'm1' }]).slice(0, 200) },
  '/cp1252': {
    body: encodeWindows1252(
      rssXml(
        [
          {
            title: 'Antrean BBM – warga: “sudah 2 jam”',
            guid: 'w1',
            pubDate: '10 Mar 2026 08:00 WIB',
          },
        ],
        {
          encoding: 'windows-1252',
        },
      ),
    ),
    contentType: 'application/rss+xml; charset=windows-1252',
  },
  '/odd-dates': {
    body: rssXml([
      { title: 'BBM satu', guid: 'd1', pubDate: 'Selasa, 10 Maret 2026 07:15:00 +0700' },
      { title: 'BBM dua', guid: 'd2', pubDate: '2026-03-10 07:20:00' },
      { title: 'BBM tiga', guid: 'd3', pubDate: 'kemarin sore' },
      { title: 'BBM empat', guid: 'd4', pubDate: 'Tue, 10 Mar 2099 07:00:00 +0700' },
    ]),
    // This portal ignores conditional GET: the cursor's seen list keeps re-runs clean.
    etag: '"odd"',
    conditional: false,
  },
  '/html': {
    body: rssXml([
      {
        title: 'Banjir &amp; BBM',
        guid: 'h1',
        pubDate: 'Tue, 10 Mar 2026 08:00:00 +0700',
        description:
          '<p>Warga <b>Kemang</b> antre BBM&nbsp;&mdash; <a href="https://x.example">baca</a></p><script>track()</script>',
      },
      {
        title: 'Escaped',
        guid: 'h2',
        pubDate: 'Tue, 10 Mar 2026 08:01:00 +0700',
        description: '<p>Stok BBM &lt;b&gt;menipis&lt;/b&gt;</p>',
        cdata: false,
      },
    ]),
  },
  '/dupes': {
    body: rssXml([
      { title: 'BBM langka di Bekasi', guid: 'dup-1', pubDate: 'Tue, 10 Mar 2026 08:30:00 +0700' },
      {
        title: 'BBM langka di Bekasi (update)',
        guid: 'dup-1',
        pubDate: 'Tue, 10 Mar 2026 08:45:00 +0700',
      },
      { title: 'BBM tanpa guid', link: 'https://portal.example.id/bbm-1?utm_source=rss' },
      { title: 'BBM tanpa guid', link: 'http://www.portal.example.id/bbm-1/' },
    ]),
  },
};

describe('collect use case on DynamoDB Local', () => {
  let table: TestTable;
  let repos: Repositories;
  let server: FakeRssServer;
  const url = (p: string) => server.url(p);

  beforeAll(async () => {
    table = await createTestTable('collect');
    repos = createRepositories({ doc: table.doc, tableName: table.tableName });
    server = await startFakeRssServer({ ...FEEDS }, (q) =>
      q.get('q')?.includes('limitme')
        ? { status: 429, body: '', headers: { 'retry-after': '7200' } }
        : {
            body: rssXml([
              {
                title: 'Banjir rendam Kemang, warga mengungsi - Kompas.com',
                link: 'https://news.google.com/rss/articles/CBMiA?oc=5',
                guid: 'CBMiA',
                guidIsPermaLink: false,
                pubDate: 'Tue, 10 Mar 2026 02:00:00 GMT',
                description:
                  '<a href="https://news.google.com/rss/articles/CBMiA?oc=5">Banjir rendam Kemang, warga mengungsi</a>&nbsp;<font color="#6f6f6f">Kompas.com</font>',
                source: { url: 'https://www.kompas.com', name: 'Kompas.com' },
              },
            ]),
          },
    );
    await repos.issues.create(issue('bbm', 'bbm', ['rss']));
    await repos.issues.create(issue('banjir', '~banjir kemang', ['rss', 'google-news']));
    await repos.issues.create(issue('paused', 'bbm', ['rss'], { status: 'paused' }));
    await repos.issues.create(issue('english', 'bbm', ['rss'], { languages: ['en'] }));
  });

  afterAll(async () => {
    await server?.close();
    await table?.drop();
  });

  const feedUrls = Object.keys(FEEDS).map((p) => `/${p.slice(1)}`);

  it('stores matching posts, cursors and status, and three runs write no duplicates', async () => {
    const rss = createRssSource({ http, feeds: feedUrls.map(url) });
    const collect = createCollectUseCase({ repos, adapters: { rss }, now: () => NOW });

    const first = await collect.run('rss');
    expect(first.issues).toBe(3); // the paused issue is not listed
    expect(first.scopes).toHaveLength(feedUrls.length);
    const byScope = Object.fromEntries(
      first.scopes.map((s) => [s.scope.replace(server.baseUrl, ''), s]),
    );
    expect(byScope['/limited']?.error).toMatch(/rate-limited until/);
    expect(byScope['/malformed']?.error).toMatch(/malformed XML/);
    expect(byScope['/empty']).toMatchObject({ postsSeen: 0, errors: 0, cursorAdvanced: true });
    expect(byScope['/dupes']).toMatchObject({ postsSeen: 2 });

    const bbm = await allMentions(repos, 'bbm');
    const titles = bbm.map((m) => m.title).sort();
    expect(titles).toEqual(
      [
        'Antrean BBM – warga: “sudah 2 jam”',
        'BBM dua',
        'BBM empat',
        'BBM langka di Bekasi',
        'BBM satu',
        'BBM tanpa guid',
        'BBM tiga',
        'Banjir & BBM',
        'Escaped',
        'Pertamina pastikan stok BBM di Jakarta aman',
      ].sort(),
    );
    const byTitle = Object.fromEntries(bbm.map((m) => [m.title, m]));
    expect(byTitle['BBM satu']?.createdAt).toBe('2026-03-10T00:15:00.000Z');
    expect(byTitle['BBM dua']?.createdAt).toBe('2026-03-10T00:20:00.000Z');
    // No usable date, or a date in the future: the fetch time stands in.
    expect(byTitle['BBM tiga']?.createdAt).toBe(NOW.toISOString());
    expect(byTitle['BBM empat']?.createdAt).toBe(NOW.toISOString());
    expect(byTitle['Banjir & BBM']?.text).toBe('Warga Kemang antre BBM — baca');
    expect(byTitle.Escaped?.text).toBe('Stok BBM menipis');
    expect(byTitle['Pertamina pastikan stok BBM di Jakarta aman']).toMatchObject({
      tenantId: 'pemprov',
      issueId: 'bbm',
      source: 'rss',
      url: 'https://www.antaranews.com/berita/5123456/pertamina-pastikan-stok-bbm',
      text: 'Jakarta (ANTARA) - stok BBM aman.',
      createdAt: '2026-03-10T02:35:00.000Z',
      lang: 'id',
      collectedAt: NOW.toISOString(),
      author: { handle: 'antaranews.com' },
    });
    expect(await allMentions(repos, 'english')).toEqual([]);
    expect(await allMentions(repos, 'paused')).toEqual([]);
    expect((await allMentions(repos, 'banjir')).map((m) => m.title)).toEqual(['Banjir & BBM']);

    expect(await repos.cursors.get('rss', url('/etag'))).toMatchObject({
      etag: '"feed-v1"',
      lastModified: 'Tue, 10 Mar 2026 02:40:00 GMT',
    });
    expect(await repos.cursors.get('rss', url('/malformed'))).toBeUndefined();
    expect(await repos.cursors.get('rss', url('/limited'))).toBeUndefined();

    const status = (await repos.sourceStatus.list()).find((s) => s.source === 'rss');
    expect(status).toMatchObject({
      status: 'ok',
      lastRunAt: NOW.toISOString(),
      postsSeen: first.postsSeen,
      mentionsWritten: first.written,
    });
    expect(status?.lastError).toBeDefined();
    expect(first.written).toBe(11);

    for (let i = 0; i < 2; i++) {
      const again = await collect.run('rss');
      expect(again.written).toBe(0);
      expect(again.duplicates).toBe(0);
    }
    expect(await allMentions(repos, 'bbm')).toHaveLength(10);
    const etagRequests = server.requests.filter((r) => r.path === '/etag');
    expect(etagRequests.at(-1)?.headers['if-none-match']).toBe('"feed-v1"');

    // A new item, a new ETag: only the new item is written.
    server.setFeed('/etag', {
      body: rssXml([
        {
          title: 'BBM subsidi tepat sasaran',
          guid: 'new-1',
          pubDate: 'Tue, 10 Mar 2026 09:50:00 +0700',
        },
        {
          title: 'Pertamina pastikan stok BBM di Jakarta aman',
          guid: 'https://www.antaranews.com/berita/5123456/pertamina-pastikan-stok-bbm',
          pubDate: 'Tue, 10 Mar 2026 09:35:00 +0700',
        },
      ]),
      etag: '"feed-v2"',
    });
    const fourth = await collect.run('rss');
    expect(fourth.written).toBe(1);
    expect(await allMentions(repos, 'bbm')).toHaveLength(11);
  });

  it('keeps the cursor when a write fails, and the re-run loses nothing and duplicates nothing', async () => {
    const rss = createRssSource({ http, feeds: [url('/dupes-2')] });
    server.setFeed('/dupes-2', {
      body: rssXml([
        { title: 'BBM A', guid: 'w-a', pubDate: 'Tue, 10 Mar 2026 08:00:00 +0700' },
        { title: 'BBM B', guid: 'w-b', pubDate: 'Tue, 10 Mar 2026 08:01:00 +0700' },
        { title: 'BBM C', guid: 'w-c', pubDate: 'Tue, 10 Mar 2026 08:02:00 +0700' },
      ]),
    });
    let calls = 0;
    const flaky: Repositories = {
      ...repos,
      mentions: {
        ...repos.mentions,
        putNew: async (m) => {
          calls++;
          if (calls === 2) throw new Error('ProvisionedThroughputExceededException (simulated)');
          return repos.mentions.putNew(m);
        },
      },
    };
    const failing = createCollectUseCase({
      repos: flaky,
      adapters: { rss },
      now: () => NOW,
      writeConcurrency: 1,
    });
    const r1 = await failing.run('rss');
    expect(r1.scopes[0]).toMatchObject({ written: 1, errors: 1, cursorAdvanced: false });
    expect(r1.status.status).toBe('error');
    expect(await repos.cursors.get('rss', url('/dupes-2'))).toBeUndefined();

    const ok = createCollectUseCase({ repos, adapters: { rss }, now: () => NOW });
    const r2 = await ok.run('rss');
    expect(r2.scopes[0]).toMatchObject({ written: 2, duplicates: 1, cursorAdvanced: true });
    const titles = (await allMentions(repos, 'bbm')).map((m) => m.title);
    for (const t of ['BBM A', 'BBM B', 'BBM C'])
      expect(titles.filter((x) => x === t)).toHaveLength(1);
  });

  it('stops a rate-limited source for the run, records until, and backs off next time', async () => {
    // The HTTP client reads the same (fixed) clock as the use case, so `until` is predictable.
    const fixedHttp = createHttpClient({ maxRetries: 0, now: () => NOW.getTime() });
    const gn = createGoogleNewsSource({ http: fixedHttp, baseUrl: server.baseUrl });
    await repos.issues.create(issue('gn-limited', 'limitme', ['google-news']));
    await repos.issues.create(issue('gn-z', 'kemang', ['google-news']));
    const collect = createCollectUseCase({
      repos,
      adapters: { 'google-news': gn },
      now: () => NOW,
    });
    const r1 = await collect.run('google-news');
    // Scopes run in listing order; whichever comes after the limited one is skipped.
    const limitedIndex = r1.scopes.findIndex((s) => s.scope.endsWith(':gn-limited'));
    expect(limitedIndex).toBeGreaterThanOrEqual(0);
    expect(r1.stoppedBy).toBe('rate-limited');
    expect(r1.status).toMatchObject({ status: 'rate-limited', until: '2026-03-10T05:00:00.000Z' });
    expect(r1.scopes.length + r1.skippedScopes.length).toBe(3);
    const stored = (await repos.sourceStatus.list()).find((s) => s.source === 'google-news');
    expect(stored).toMatchObject({ status: 'rate-limited', until: r1.status.until });

    const requestsBefore = server.requests.length;
    const r2 = await collect.run('google-news');
    expect(r2.stoppedBy).toBe('backoff');
    expect(server.requests.length).toBe(requestsBefore);

    const later = createCollectUseCase({
      repos,
      adapters: { 'google-news': gn },
      now: () => new Date('2026-03-10T05:00:01.000Z'),
    });
    await repos.issues.update({
      ...issue('gn-limited', 'limitme', ['google-news']),
      status: 'paused',
    });
    const r3 = await later.run('google-news');
    expect(r3.stoppedBy).toBeUndefined();
    expect(r3.status.status).toBe('ok');
    const banjir = await allMentions(repos, 'banjir');
    expect(
      banjir.some(
        (m) => m.source === 'google-news' && m.title === 'Banjir rendam Kemang, warga mengungsi',
      ),
    ).toBe(true);
  });

  it('checkpoints before the deadline: no scope starts inside the reserve', async () => {
    const rss = createRssSource({ http, feeds: [url('/etag'), url('/html')] });
    const collect = createCollectUseCase({
      repos,
      adapters: { rss },
      now: () => NOW,
      reserveMs: 5_000,
    });
    const r = await collect.run('rss', { deadline: Date.now() + 1_000 });
    expect(r.stoppedBy).toBe('deadline');
    expect(r.scopes).toEqual([]);
    expect(r.skippedScopes).toEqual([url('/etag'), url('/html')]);
  });

  it('writes demo posts once however often the same window is collected', async () => {
    const t2 = await createTestTable('collect-demo');
    try {
      const r = createRepositories({ doc: t2.doc, tableName: t2.tableName });
      for (const [i, d] of DEMO_ISSUES.entries()) {
        await r.issues.create({ ...issue(`demo-${i + 1}`, d.query, d.sources), tenantId: 'demo' });
      }
      // A crash between storing mentions and storing the cursor, three times over.
      const noCursor: Repositories = {
        ...r,
        cursors: {
          get: r.cursors.get,
          put: async () => Promise.reject(new Error('crash before checkpoint')),
        },
      };
      const demo = createDemoSource({ seed: 9, backfillMinutes: 5 });
      const crashing = createCollectUseCase({
        repos: noCursor,
        adapters: { demo },
        now: () => NOW,
      });
      const runs = [
        await crashing.run('demo'),
        await crashing.run('demo'),
        await crashing.run('demo'),
      ];
      expect(runs[0]?.written).toBeGreaterThan(10);
      expect(runs[1]?.written).toBe(0);
      expect(runs[2]?.written).toBe(0);
      expect(runs[2]?.duplicates).toBe(runs[0]?.written);
      const total = (await Promise.all([1, 2, 3].map((i) => allMentions(r, `demo-${i}`)))).flat();
      expect(total).toHaveLength(runs[0]?.written ?? -1);

      // Normal runs advance the cursor; a forced burst adds exactly its posts.
      const ok = createCollectUseCase({ repos: r, adapters: { demo }, now: () => NOW });
      await ok.run('demo');
      demo.forceBurst({ issueId: 'demo-2', posts: 25 });
      const burst = await ok.run('demo');
      expect(burst.written).toBe(25);
    } finally {
      await t2.drop();
    }
  });
});
