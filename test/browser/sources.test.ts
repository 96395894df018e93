/**
 * "Sumber data" on the overview, in Debian's Chromium against the real local runtime: the demo
 * collection's own status, then statuses written through the runtime's repositories on its
 * DynamoDB Local table (a rate limit with `until`, a run three shards into eight with a failed
 * shard, a spent quota, refused credentials, an error), then no status at all. Indonesian and
 * English, the cards drawn before the status call answers, and a 360 px phone.
 */
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repositories } from '../../lib/domain/ports.ts';
import { SOURCE_NAMES, type SourceStatus, type SourceStatusView } from '../../lib/domain/types.ts';
import type { LocalRuntime } from '../../lib/local/runtime.ts';
import {
  createDocumentClient,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
} from '../../lib/storage/clients.ts';
import { sourceStatusKey } from '../../lib/storage/keys.ts';
import { createRepositories } from '../../lib/storage/repositories.ts';
import { type DemoRuntime, startDemoRuntime } from '../helpers/demo-runtime.ts';
import { launchChromium, phoneContext } from './chromium.ts';

/** The API accepts local tokens of the `pt_` + 43 characters shape only. */
const TOKEN = `pt_${'sources-browser-test'.padEnd(43, '0')}`;
const ZONE = 'Asia/Jakarta';

/** "14.05 WIB" / "14:05 GMT+7": the wall-clock time in Jakarta as each language writes it. */
function clock(iso: string, locale: 'id-ID' | 'en-GB', withDate: boolean): string {
  return new Intl.DateTimeFormat(locale, {
    ...(withDate ? { day: 'numeric', month: 'short' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone: ZONE,
  }).format(new Date(iso));
}

/** Whether two instants fall on the same day in Jakarta, as the page (in that zone) decides. */
function sameJakartaDay(a: Date, b: Date): boolean {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, dateStyle: 'short' });
  return day.format(a) === day.format(b);
}

/** `<ISO start with ms>~<suffix>`, the collect pipeline's run id shape. */
const runId = (start: Date, suffix: string) => `${start.toISOString()}~${suffix}`;

async function open(page: Page, url: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(url);
}

describe('data-source health on the overview', () => {
  let runtime: LocalRuntime;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let demo: DemoRuntime | undefined;
  let doc: DynamoDBDocumentClient | undefined;
  let repos: Repositories;
  const pageErrors: string[] = [];

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${runtime.url}${path}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const row = (source: string) => page.locator(`.source-row[data-source="${source}"]`);
  const text = async (source: string, part: string) =>
    ((await row(source).locator(part).textContent()) ?? '').trim();

  beforeAll(async () => {
    chromium = await launchChromium();
    browser = chromium.browser;
    demo = await startDemoRuntime(TOKEN, 'sources');
    runtime = demo.runtime;
    // The runtime's own table on its DynamoDB Local: the repositories every collector writes with.
    doc = createDocumentClient({
      endpoint: runtime.dynamoEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    repos = createRepositories({ doc, tableName: runtime.tableName });
    context = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      timezoneId: ZONE,
    });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${runtime.url}/?token=${TOKEN}`);
    await page.locator('.issue-list').waitFor();
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    doc?.destroy();
    await demo?.dispose();
  });

  it('shows the demo collection as Normal with the counts of its run, below the issue cards', async () => {
    const { items } = await api<{ items: SourceStatus[] }>('/v1/sources/status');
    const status = items.find((s) => s.source === 'demo');
    expect(status?.status).toBe('ok');
    expect(status?.postsSeen).toBeGreaterThan(0);
    const { postsSeen, mentionsWritten } = status as SourceStatus;

    await open(page, `${runtime.url}/#/`);
    await row('demo').waitFor();

    // Below the cards, in document order.
    const order = await page.evaluate(
      `(() => { const c = document.querySelector('.issue-list'); const s = document.querySelector('.sources'); return !!(c && s && (c.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING)); })()`,
    );
    expect(order).toBe(true);
    expect(await page.locator('.sources h2').textContent()).toBe('Sumber data');
    expect(await page.locator('.source-row').count()).toBe(items.length);
    expect(await text('demo', '.source-name')).toBe('Demo (data fiktif)');
    expect(await text('demo', '.source-chip')).toBe('Normal');
    expect(await row('demo').locator('.source-chip').getAttribute('class')).toContain('health-ok');
    expect(await text('demo', '.source-counts')).toBe(
      `Unggahan dibaca ${postsSeen.toLocaleString('id-ID')} · sebutan disimpan ${mentionsWritten.toLocaleString('id-ID')}`,
    );
    expect(await text('demo', '.source-run time')).toMatch(/^Terakhir berjalan .+/);
    expect(await row('demo').locator('.source-run time').getAttribute('datetime')).toBe(
      status?.lastRunAt,
    );
    // One unsharded run that went well: nothing partial, no error, no warning.
    expect(
      await row('demo').locator('.source-shards, .source-error, .source-overdue').count(),
    ).toBe(0);
    expect(await page.locator('.sources-note').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('draws the issue cards while the status call has not answered yet', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const hold = async (route: Route) => {
      await held;
      await route.continue();
    };
    await page.route('**/v1/sources/status', hold);
    try {
      await open(page, `${runtime.url}/#/`);
      await page.locator('.issue-list .issue-card').first().waitFor();
      const body = page.locator('.sources-body');
      expect(await body.locator('[aria-busy="true"]').textContent()).toBe('Memuat…');
      expect(await page.locator('.source-row').count()).toBe(0);
      release();
      await row('demo').waitFor();
      expect(await body.locator('[aria-busy="true"]').count()).toBe(0);
    } finally {
      release();
      await page.unroute('**/v1/sources/status', hold);
    }
  });

  it('shows a rate limit with its end, a partial run, a failed shard and failures after a reload', async () => {
    const now = new Date();
    const ago = (min: number) => new Date(now.getTime() - min * 60_000).toISOString();
    const until = new Date(now.getTime() + 40 * 60_000).toISOString();
    // Quota resets are daily: far enough ahead that the page also writes the date.
    const quotaUntil = new Date(now.getTime() + 30 * 3_600_000).toISOString();
    await repos.sourceStatus.put({
      source: 'x',
      status: 'rate-limited',
      until,
      lastError: 'X API 429 Too Many Requests on search/recent',
      lastRunAt: ago(5),
      postsSeen: 1234,
      mentionsWritten: 56,
    });
    // A run fanned out into 8 shards of which 3 reported, one of them failed: the run stays ok
    // and keeps the failed shard's message (the repository's own rule for a run's shards).
    const run = runId(new Date(now.getTime() - 3 * 60_000), 'a1b2c3d4e5f6');
    // Every 15 min: the run may report until 15 + 5 min after its start, so it is still going.
    const shard = {
      source: 'rss' as const,
      runId: run,
      shards: 1,
      shardsPlanned: 8,
      expectedEveryMinutes: 15,
    };
    await repos.sourceStatus.put({
      ...shard,
      status: 'ok',
      lastRunAt: ago(3),
      postsSeen: 200,
      mentionsWritten: 7,
    });
    await repos.sourceStatus.put({
      ...shard,
      status: 'error',
      lastError: 'antaranews.com: HTTP 503 Service Unavailable',
      lastRunAt: ago(2),
      postsSeen: 0,
      mentionsWritten: 0,
    });
    await repos.sourceStatus.put({
      ...shard,
      status: 'ok',
      lastRunAt: ago(2),
      postsSeen: 100,
      mentionsWritten: 5,
    });
    await repos.sourceStatus.put({
      source: 'youtube',
      status: 'quota-exhausted',
      until: quotaUntil,
      lastRunAt: ago(90),
      postsSeen: 0,
      mentionsWritten: 0,
    });
    await repos.sourceStatus.put({
      source: 'bluesky',
      status: 'auth-failed',
      lastError: 'Bluesky createSession: 401 AuthenticationRequired',
      lastRunAt: ago(10),
      postsSeen: 0,
      mentionsWritten: 0,
    });
    await repos.sourceStatus.put({
      source: 'mastodon',
      status: 'error',
      lastRunAt: ago(10),
      postsSeen: 0,
      mentionsWritten: 0,
    });
    const stored = (await api<{ items: SourceStatus[] }>('/v1/sources/status')).items;
    const rss = stored.find((s) => s.source === 'rss');
    expect([rss?.status, rss?.shards, rss?.shardsPlanned, rss?.postsSeen]).toEqual([
      'ok',
      3,
      8,
      300,
    ]);
    expect(rss).toMatchObject({ run: 'running', overdue: false });

    await page.reload();
    await row('x').waitFor();

    // X: rate-limited until a time in WIB, its counts, its message.
    expect(await text('x', '.source-name')).toBe('X (Twitter)');
    expect(await text('x', '.source-chip')).toBe(
      `Dibatasi hingga ${clock(until, 'id-ID', !sameJakartaDay(new Date(until), new Date()))}`,
    );
    expect(await text('x', '.source-chip')).toMatch(/WIB$/);
    expect(await row('x').locator('.source-chip').getAttribute('class')).toContain(
      'health-stopped',
    );
    expect(await text('x', '.source-run time')).toBe('Terakhir berjalan 5 menit yang lalu');
    expect(await text('x', '.source-counts')).toBe('Unggahan dibaca 1.234 · sebutan disimpan 56');
    expect(await text('x', '.source-error')).toBe(
      'Galat terakhir: X API 429 Too Many Requests on search/recent',
    );

    // RSS: ok, 3 of 8 shards so far and still going, and the failed shard's message.
    expect(await text('rss', '.source-name')).toBe('Portal berita (RSS)');
    expect(await text('rss', '.source-chip')).toBe('Normal');
    expect(await text('rss', '.source-shards')).toBe('Sedang berjalan: 3 dari 8 bagian selesai');
    expect(await row('rss').locator('.source-shards').getAttribute('data-run')).toBe('running');
    expect(await text('rss', '.source-counts')).toBe('Unggahan dibaca 300 · sebutan disimpan 12');
    expect(await text('rss', '.source-error')).toBe(
      'Galat terakhir: antaranews.com: HTTP 503 Service Unavailable',
    );

    expect(await text('youtube', '.source-chip')).toBe(
      `Kuota habis hingga ${clock(quotaUntil, 'id-ID', true)}`,
    );
    expect(await text('bluesky', '.source-chip')).toBe('Gagal masuk (kredensial)');
    expect(await row('bluesky').locator('.source-chip').getAttribute('class')).toContain(
      'health-failed',
    );
    expect(await text('mastodon', '.source-chip')).toBe('Galat');
    expect(await row('mastodon').locator('.source-error').count()).toBe(0);

    // Worst first: the two failures, then the two stops, then the ok run with trouble, then demo.
    const order = await page
      .locator('.source-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-source')));
    expect(order.slice(0, 2).sort()).toEqual(['bluesky', 'mastodon']);
    expect(order.slice(2, 4).sort()).toEqual(['x', 'youtube']);
    expect(order.slice(4)).toEqual(['rss', 'demo']);
    expect(await page.locator('.sources-note').textContent()).toBe(
      'Gambaran mungkin belum lengkap: 5 dari 6 sumber bermasalah.',
    );

    // English.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Data sources' }).waitFor();
    expect(await text('x', '.source-chip')).toBe(
      `Rate-limited until ${clock(until, 'en-GB', !sameJakartaDay(new Date(until), new Date()))}`,
    );
    expect(await text('x', '.source-run time')).toBe('Last run 5 minutes ago');
    expect(await text('x', '.source-counts')).toBe('Posts seen 1,234 · mentions stored 56');
    expect(await text('rss', '.source-name')).toBe('News portals (RSS)');
    expect(await text('rss', '.source-shards')).toBe('Running: 3 of 8 parts done');
    expect(await text('rss', '.source-error')).toBe(
      'Last error: antaranews.com: HTTP 503 Service Unavailable',
    );
    expect(await text('youtube', '.source-chip')).toBe(
      `Quota used up until ${clock(quotaUntil, 'en-GB', true)}`,
    );
    expect(await text('bluesky', '.source-chip')).toBe('Sign-in failed (credentials)');
    expect(await text('mastodon', '.source-chip')).toBe('Error');
    expect(await text('demo', '.source-chip')).toBe('Normal');
    expect(await page.locator('.sources-note').textContent()).toBe(
      'The picture may be incomplete: 5 of 6 sources have problems.',
    );
    await page.getByRole('button', { name: 'Ganti ke Bahasa Indonesia' }).click();
    await page.getByRole('heading', { name: 'Sumber data' }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('flags a source that stopped running and a run that stopped part way, as warnings', async () => {
    const now = new Date();
    const ago = (min: number) => new Date(now.getTime() - min * 60_000);
    // Google News every 15 min, last run 3 hours ago: overdue since 35 min after it.
    const lastNews = ago(180).toISOString();
    await repos.sourceStatus.put({
      source: 'google-news',
      status: 'ok',
      lastRunAt: lastNews,
      postsSeen: 40,
      mentionsWritten: 4,
      expectedEveryMinutes: 15,
    });
    // RSS: a new run every 15 min that started 26 min ago, 3 of 8 shards reported, the last 25
    // min ago: past its horizon and timeout (20 min), not yet overdue (35 min).
    const rssRun = runId(ago(26), 'b2c3d4e5f6a7');
    // The run of the test before started later than this one; run ids order runs by start, so
    // its item goes first or these shards would count as late shards of an earlier run.
    await doc?.send(
      new DeleteCommand({ TableName: runtime.tableName, Key: sourceStatusKey('rss') }),
    );
    for (const n of [1, 2, 3]) {
      await repos.sourceStatus.put({
        source: 'rss',
        status: 'ok',
        lastRunAt: ago(25).toISOString(),
        postsSeen: n,
        mentionsWritten: 0,
        runId: rssRun,
        shards: 1,
        shardsPlanned: 8,
        expectedEveryMinutes: 15,
      });
    }
    // X: a run of 4 shards started now, one reported, nothing wrong: going, no warning.
    await repos.sourceStatus.put({
      source: 'x',
      status: 'ok',
      lastRunAt: now.toISOString(),
      postsSeen: 10,
      mentionsWritten: 1,
      runId: runId(now, 'c3d4e5f6a7b8'),
      shards: 1,
      shardsPlanned: 4,
      expectedEveryMinutes: 5,
    });
    const stored = (await api<{ items: SourceStatusView[] }>('/v1/sources/status')).items;
    const by = Object.fromEntries(stored.map((s) => [s.source, s]));
    expect(by['google-news']).toMatchObject({
      overdue: true,
      overdueSince: new Date(Date.parse(lastNews) + 35 * 60_000).toISOString(),
    });
    expect(by.rss).toMatchObject({ run: 'incomplete', overdue: false });
    expect(by.x).toMatchObject({ run: 'running', overdue: false });

    await open(page, `${runtime.url}/#/`);
    await row('google-news').waitFor();
    const withDate = !sameJakartaDay(new Date(lastNews), new Date());

    // Google News: the late chip, in the warning palette, replaces its stale "Normal".
    expect(await row('google-news').locator('.source-chip').count()).toBe(1);
    expect(await text('google-news', '.source-chip')).toBe(
      `Terlambat: tidak berjalan sejak ${clock(lastNews, 'id-ID', withDate)} (seharusnya tiap 15 menit)`,
    );
    expect(await text('google-news', '.source-chip')).toMatch(/WIB \(/);
    expect(await row('google-news').locator('.source-chip').getAttribute('class')).toContain(
      'health-stopped',
    );
    expect(await row('google-news').getAttribute('class')).toContain('has-trouble');

    // RSS: the run stopped part way, a warning; X: still going, muted and no warning.
    expect(await text('rss', '.source-shards')).toBe('Berhenti: 3 dari 8 bagian selesai');
    expect(await row('rss').locator('.source-shards').getAttribute('class')).toContain(
      'source-partial',
    );
    expect(await row('rss').getAttribute('class')).toContain('has-trouble');
    expect(await text('x', '.source-chip')).toBe('Normal');
    expect(await text('x', '.source-shards')).toBe('Sedang berjalan: 1 dari 4 bagian selesai');
    expect(await row('x').locator('.source-shards').getAttribute('class')).toContain('muted');
    expect(await row('x').locator('.source-shards').getAttribute('class')).not.toContain(
      'source-partial',
    );
    expect(await row('x').getAttribute('class')).not.toContain('has-trouble');

    // Failures first, then the stops with the late source, then the stopped run, then calm.
    const order = await page
      .locator('.source-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-source')));
    expect(order).toEqual(['bluesky', 'mastodon', 'google-news', 'youtube', 'rss', 'demo', 'x']);
    // Counted: the late source, the stopped run, the quota, the two failures; not X nor demo.
    expect(await page.locator('.sources-note').textContent()).toBe(
      'Gambaran mungkin belum lengkap: 5 dari 7 sumber bermasalah.',
    );

    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Data sources' }).waitFor();
    expect(await text('google-news', '.source-chip')).toBe(
      `Late: not run since ${clock(lastNews, 'en-GB', withDate)} (expected every 15 min)`,
    );
    expect(await text('rss', '.source-shards')).toBe('Stopped: 3 of 8 parts done');
    expect(await text('x', '.source-shards')).toBe('Running: 1 of 4 parts done');
    expect(await page.locator('.sources-note').textContent()).toBe(
      'The picture may be incomplete: 5 of 7 sources have problems.',
    );
    await page.getByRole('button', { name: 'Ganti ke Bahasa Indonesia' }).click();
    await page.getByRole('heading', { name: 'Sumber data' }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('fits a 360 px phone with every kind of status', async () => {
    const phone = await phoneContext(browser, { timezoneId: ZONE });
    try {
      const p = await phone.newPage();
      await p.goto(`${runtime.url}/?token=${TOKEN}`);
      await p.locator('.source-row[data-source="youtube"]').waitFor();
      const [scroll, client] = (await p.evaluate(
        '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
      )) as [number, number];
      expect(scroll).toBeLessThanOrEqual(client);
      // Each chip stays inside its row.
      const overflow = await p
        .locator('.source-row')
        .evaluateAll((rows) =>
          rows
            .filter((r) => r.scrollWidth > r.clientWidth)
            .map((r) => r.getAttribute('data-source')),
        );
      expect(overflow).toEqual([]);
    } finally {
      await phone.close();
    }
  }, 60_000);

  it('says so when no collector has reported yet', async () => {
    for (const source of SOURCE_NAMES) {
      await doc?.send(
        new DeleteCommand({ TableName: runtime.tableName, Key: sourceStatusKey(source) }),
      );
    }
    expect((await api<{ items: SourceStatus[] }>('/v1/sources/status')).items).toEqual([]);

    await open(page, `${runtime.url}/#/`);
    await page.locator('.issue-list .issue-card').first().waitFor();
    await page.getByText('Belum ada laporan dari pengumpul data.').waitFor();
    expect(await page.locator('.source-row').count()).toBe(0);
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByText('No data collector has reported yet.').waitFor();
    await page.getByRole('button', { name: 'Ganti ke Bahasa Indonesia' }).click();
    await page.getByRole('heading', { name: 'Sumber data' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
