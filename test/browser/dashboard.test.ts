/**
 * The officials' dashboard in Debian's Chromium against the real local runtime: demo collector →
 * DynamoDB Local → score → buckets → detect → API, with the dashboard served by the runtime
 * itself. Covers the overview, the issue chart, a negative surge becoming an alert that is
 * acknowledged and resolved from the page (also through an SMS-style /a/<REF> link), a sentiment
 * correction moving the counts, the English toggle, and the 360 px phone layout.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRef } from '../../lib/alerts/messages.ts';
import type { LocalRuntime } from '../../lib/local/runtime.ts';
import { type DemoRuntime, startDemoRuntime } from '../helpers/demo-runtime.ts';
import { launchChromium, phoneContext } from './chromium.ts';

/** The API accepts local tokens of the `pt_` + 43 characters shape only. */
const TOKEN = `pt_${'dashboard-browser-test'.padEnd(43, '0')}`;

interface ApiAlert {
  id: string;
  issueId: string;
  issueName: string;
  status: string;
  level: string;
  note?: string;
}

/**
 * A fresh document load of a route: a goto that changes only the hash would keep the page (and
 * its data) from the previous test.
 */
async function open(page: Page, url: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(url);
}

/** [scrollWidth, clientWidth] of the page: wider content means a horizontal scroll. */
async function widths(page: Page): Promise<[number, number]> {
  // A string expression: this file is type-checked without the DOM library.
  return (await page.evaluate(
    '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
  )) as [number, number];
}

/** Digits of a number as the page prints it in id-ID ("1.234" → 1234). */
const count = (text: string | null) => Number((text ?? '').replace(/\D/g, ''));

describe('dashboard in Chromium on the local runtime', () => {
  let runtime: LocalRuntime;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  let page: Page;
  let demo: DemoRuntime | undefined;
  const pageErrors: string[] = [];

  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${runtime.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    // Chromium first: without it nothing below can run, and the message says how to fix it.
    chromium = await launchChromium();
    browser = chromium.browser;
    demo = await startDemoRuntime(TOKEN, 'browser');
    runtime = demo.runtime;
    const home = await fetch(`${runtime.url}/`);
    if (!(home.headers.get('content-type') ?? '').startsWith('text/html')) {
      throw new Error(
        `GET ${runtime.url}/ answered ${home.status} ${home.headers.get('content-type')}: the local runtime does not mount createDashboardFallback (lib/local/dashboard.ts)`,
      );
    }
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    await demo?.dispose();
  });

  it('signs in from the printed link, drops the token from the URL and lists the demo issues', async () => {
    const issues = await api<{ items: { id: string; name: string }[] }>('/v1/issues');

    await page.goto(`${runtime.url}/?token=${TOKEN}`);
    await page.locator('.issue-list').waitFor();

    expect(page.url()).not.toContain('token');
    const names = await page.locator('.issue-list .issue-name').allTextContents();
    expect(names.sort()).toEqual(issues.items.map((i) => i.name).sort());
    // Mentions were collected, so the 24-hour counts add up to something.
    const counts = (await page.locator('.count-24h').allTextContents()).map(count);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(await page.locator('.issue-list svg.spark').count()).toBe(issues.items.length);
    expect(pageErrors).toEqual([]);
  });

  it('draws the issue chart with the issue totals', async () => {
    const issueId = runtime.issueIds[0] as string;
    const stats = await api<{ totals: { total: number } }>(
      `/v1/issues/${issueId}/stats?interval=5m&from=${new Date(Date.now() - 86_400_000).toISOString()}`,
    );

    await open(page, `${runtime.url}/#/issues/${issueId}`);
    await page.locator('.chart canvas').first().waitFor();

    expect(await page.locator('.chart .u-legend').first().textContent()).toContain('Negatif');
    expect(count(await page.locator('.tile-total .tile-value').textContent())).toBe(
      stats.totals.total,
    );
    const marks = await page.evaluate(() =>
      performance.getEntriesByName('pantau:first-chart').map((e) => e.startTime),
    );
    expect(marks).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  });

  it('shows a negative surge as an open alert that is acknowledged and resolved with a note', async () => {
    await runtime.collect('demo', { forceBurst: true });
    await runtime.pollers.whenIdle(60_000);
    const openAlerts = (await api<{ items: ApiAlert[] }>('/v1/alerts?status=open')).items;
    expect(openAlerts.length).toBeGreaterThan(0);
    const alert = openAlerts[0] as ApiAlert;

    // The inbox lists it first, open.
    await open(page, `${runtime.url}/#/alerts`);
    const first = page.locator('.alert-list .alert-card').first();
    await first.waitFor();
    expect(await first.getAttribute('class')).toContain('status-open');
    expect(await first.textContent()).toContain(alert.issueName);

    // The SMS/email link shape opens that very alert.
    await page.goto(`${runtime.url}/a/${alertRef(alert.id)}`);
    await page.locator('.panel-action').waitFor();
    expect(new URL(page.url()).hash).toBe(`#/alerts/${encodeURIComponent(alert.id)}`);
    await expect
      .poll(() => page.locator('h1').textContent(), { timeout: 15_000 })
      .toContain(alert.issueName);
    expect(await page.locator('.trend rect').count()).toBeGreaterThan(0);

    await page.getByLabel('Catatan (opsional)').fill('Tim humas menyiapkan klarifikasi');
    await page.getByRole('button', { name: 'Tandai ditangani' }).click();
    await page.locator('.page-head .status-acknowledged').waitFor();
    await page.getByRole('button', { name: 'Tandai selesai' }).click();
    await page.locator('.page-head .status-resolved').waitFor();

    const stored = await api<ApiAlert>(`/v1/alerts/${encodeURIComponent(alert.id)}`);
    expect(stored.status).toBe('resolved');
    expect(stored.note).toBeDefined();

    // The alert page on a 360 px phone (the other pages are checked below).
    await page.setViewportSize({ width: 360, height: 740 });
    try {
      await page.reload();
      await page.locator('.panel-action').waitFor();
      const [scroll, client] = await widths(page);
      expect(scroll).toBeLessThanOrEqual(client);
    } finally {
      await page.setViewportSize({ width: 1100, height: 900 });
    }
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('moves the counts when an official corrects a negative mention to positive', async () => {
    const negatives = await Promise.all(
      runtime.issueIds.map(async (id) => ({
        id,
        n: (await api<{ items: unknown[] }>(`/v1/issues/${id}/mentions?sentiment=NEGATIVE&limit=1`))
          .items.length,
      })),
    );
    const issueId = negatives.find((x) => x.n > 0)?.id;
    expect(issueId).toBeDefined();

    await open(page, `${runtime.url}/#/issues/${issueId}`);
    const select = page.locator('#top-neg ~ .mention-list select').first();
    await select.waitFor();
    const negBefore = count(await page.locator('.tile-negative .tile-value').textContent());
    const posBefore = count(await page.locator('.tile-positive .tile-value').textContent());
    await select.selectOption('POSITIVE');
    // The correction round-trips through the API and a re-render: give a loaded CI machine time.
    await expect
      .poll(async () => count(await page.locator('.tile-negative .tile-value').textContent()), {
        timeout: 15_000,
      })
      .toBe(negBefore - 1);
    expect(count(await page.locator('.tile-positive .tile-value').textContent())).toBe(
      posBefore + 1,
    );
    expect(await page.locator('.toast').textContent()).toContain('Positif');
    expect(pageErrors).toEqual([]);
  });

  it('switches to English and back', async () => {
    await open(page, `${runtime.url}/#/`);
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Issues overview' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('button', { name: 'Ganti ke Bahasa Indonesia' }).click();
    await page.getByRole('heading', { name: 'Ringkasan isu' }).waitFor();
  });

  it('fits a 360 px phone without horizontal scrolling on the overview, issue, inbox and subscribers', async () => {
    const phone = await phoneContext(browser);
    try {
      const p = await phone.newPage();
      await p.goto(`${runtime.url}/?token=${TOKEN}`);
      await p.locator('.issue-list').waitFor();
      const routes = [
        '#/',
        `#/issues/${runtime.issueIds[0]}`,
        '#/alerts',
        `#/subscribers/${runtime.issueIds[0]}`,
      ];
      for (const route of routes) {
        await open(p, `${runtime.url}/${route}`);
        await p.locator('main h1').first().waitFor();
        await p.waitForLoadState('networkidle');
        const [scroll, client] = await widths(p);
        expect(scroll, route).toBeLessThanOrEqual(client);
      }
    } finally {
      await phone.close();
    }
  }, 60_000);
});
