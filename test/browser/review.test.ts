/**
 * The sentiment review panel (Periksa sentimen) in Debian's Chromium against the real local
 * runtime: the random-sample queue as the API orders it, a confirmation and a correction saved
 * with the queue as origin (checked through the API: the mention's label and the quality
 * figures), the switch to the least-certain queue, the quality line below and above 30 sampled
 * answers, a read-only token that sees the queue (and the mention lists' correction control)
 * disabled with the reason, English, and 360 px.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../lib/local/runtime.ts';
import { type DemoRuntime, startDemoRuntime } from '../helpers/demo-runtime.ts';
import { launchChromium, phoneContext } from './chromium.ts';

const TOKEN = `pt_${'review-browser-test'.padEnd(43, '0')}`;

type Label = 'POSITIVE' | 'NEGATIVE' | 'NEUTRAL' | 'MIXED';

interface ApiMention {
  id: string;
  issueId: string;
  sentiment?: { label: Label; engine: string; scores: Record<Label, number> };
}

interface ApiQueue {
  mode: string;
  from: string;
  to: string;
  examined: number;
  remaining: number;
  items: ApiMention[];
}

interface ApiQuality {
  sample: {
    n: number;
    accuracy: number | null;
    macroF1: number | null;
    confusion: { labels: Label[]; rows: number[][] };
  };
  uncertain: { n: number; agreement: number | null };
  manual: { n: number; agreement: number | null };
}

const ID: Record<Label, string> = {
  POSITIVE: 'Positif',
  NEGATIVE: 'Negatif',
  NEUTRAL: 'Netral',
  MIXED: 'Campuran',
};
const EN: Record<Label, string> = {
  POSITIVE: 'Positive',
  NEGATIVE: 'Negative',
  NEUTRAL: 'Neutral',
  MIXED: 'Mixed',
};

async function open(page: Page, url: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(url);
}

/** The mention ids the panel lists, in its order. */
async function listed(page: Page): Promise<string[]> {
  // A string expression: this file is type-checked without the DOM library.
  return (await page.evaluate(
    '[...document.querySelectorAll(".review-item")].map((e) => e.getAttribute("data-mention-id"))',
  )) as string[];
}

/** The data-mention-id of the focused element (string expression: no DOM library here). */
async function focusedMention(page: Page): Promise<string | null> {
  return (await page.evaluate(
    'document.activeElement && document.activeElement.getAttribute("data-mention-id")',
  )) as string | null;
}

describe('sentiment review panel in Chromium on the local runtime', () => {
  let runtime: LocalRuntime;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  let page: Page;
  let demo: DemoRuntime | undefined;
  let issueId: string;
  const pageErrors: string[] = [];

  const api = async <T>(path: string, init: RequestInit = {}, token = TOKEN): Promise<T> => {
    const res = await fetch(`${runtime.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const queue = (mode: 'sample' | 'uncertain', limit = 10) =>
    api<ApiQueue>(`/v1/issues/${issueId}/review?mode=${mode}&limit=${limit}`);
  const quality = () => api<ApiQuality>(`/v1/issues/${issueId}/sentiment-quality`);

  /** The stored mention, found in the issue's list over the review window. */
  async function mention(id: string, from: string): Promise<ApiMention> {
    let cursor: string | undefined;
    do {
      const q = new URLSearchParams({ from, limit: '200', ...(cursor ? { cursor } : {}) });
      const batch = await api<{ items: ApiMention[]; nextCursor?: string }>(
        `/v1/issues/${issueId}/mentions?${q}`,
      );
      const found = batch.items.find((m) => m.id === id);
      if (found) return found;
      cursor = batch.nextCursor;
    } while (cursor);
    throw new Error(`mention ${id} not in the issue's list since ${from}`);
  }

  beforeAll(async () => {
    chromium = await launchChromium();
    browser = chromium.browser;
    demo = await startDemoRuntime(TOKEN, 'review');
    runtime = demo.runtime;
    // The issue with the most scored mentions waiting: the test answers more than 30 of them.
    let best = -1;
    for (const id of runtime.issueIds) {
      issueId = id;
      const { remaining } = await queue('sample', 1);
      if (remaining > best) {
        best = remaining;
        issueId = id;
      }
    }
    if (best < 40) throw new Error(`the demo data left only ${best} scored mentions to review`);
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${runtime.url}/?token=${TOKEN}`);
    await page.locator('.issue-list').waitFor();
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    await demo?.dispose();
  });

  it('lists the random sample in the API order with the model label, its confidence and a confirm button', async () => {
    const expected = await queue('sample');
    expect(expected.items.length).toBe(10);

    await open(page, `${runtime.url}/#/issues/${issueId}`);
    await page.getByRole('heading', { name: 'Periksa sentimen' }).waitFor();
    await page.locator('.review-item').first().waitFor();

    expect(await listed(page)).toEqual(expected.items.map((m) => m.id));
    const sampleButton = page.getByRole('button', { name: 'Sampel acak' });
    expect(await sampleButton.getAttribute('aria-pressed')).toBe('true');
    expect(
      await page.getByRole('button', { name: 'Paling ragu' }).getAttribute('aria-pressed'),
    ).toBe('false');

    const first = expected.items[0] as ApiMention;
    const sentiment = first.sentiment;
    expect(sentiment).toBeDefined();
    if (!sentiment) return;
    const item = page.locator(`.review-item[data-mention-id="${first.id}"]`);
    const top = Math.round(Math.max(...Object.values(sentiment.scores)) * 100);
    expect(await item.locator('.review-model').textContent()).toBe(
      `Label model: ${ID[sentiment.label]}, keyakinan ${top}%`,
    );
    const texts = await item.locator('.review-answer').allTextContents();
    expect(texts).toEqual(
      (['POSITIVE', 'NEUTRAL', 'NEGATIVE', 'MIXED'] as Label[]).map((l) =>
        l === sentiment.label ? `✓ ${ID[l]} (benar)` : ID[l],
      ),
    );
    expect(await item.locator('.review-answer:disabled').count()).toBe(0);
    await expect
      .poll(() => page.locator('.review-quality').textContent())
      .toBe(
        'Periksa minimal 30 sebutan sampel acak untuk mengukur akurasi model di isu ini (baru 0).',
      );
    expect(pageErrors).toEqual([]);
  });

  it('saves a confirmation and a correction as review-sample answers and moves focus to the next item', async () => {
    const before = await queue('sample');
    const [a, b, c] = before.items as [ApiMention, ApiMention, ApiMention];
    const aModel = a.sentiment?.label as Label;
    const bModel = b.sentiment?.label as Label;
    const bOfficial: Label = bModel === 'POSITIVE' ? 'NEGATIVE' : 'POSITIVE';

    // Confirmation: the model's own label.
    await page
      .locator(`.review-item[data-mention-id="${a.id}"]`)
      .getByRole('button', { name: `✓ ${ID[aModel]} (benar)` })
      .click();
    await expect.poll(() => listed(page)).not.toContain(a.id);
    expect(await page.locator('.toast').textContent()).toBe(
      `Tersimpan: ${ID[aModel]} dikonfirmasi.`,
    );
    expect(await focusedMention(page)).toBe(b.id);

    // Correction: another label, pressed from the keyboard.
    const bItem = page.locator(`.review-item[data-mention-id="${b.id}"]`);
    await bItem.getByRole('button', { name: ID[bOfficial], exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => listed(page)).not.toContain(b.id);
    expect(await page.locator('.toast').textContent()).toBe(
      `Tersimpan: ${ID[bOfficial]} (model: ${ID[bModel]}).`,
    );
    expect(await focusedMention(page)).toBe(c.id);

    // Through the API: labels, origins counted in the sample, model labels kept.
    expect((await mention(a.id, before.from)).sentiment?.label).toBe(aModel);
    expect((await mention(b.id, before.from)).sentiment?.label).toBe(bOfficial);
    const q = await quality();
    expect(q.sample.n).toBe(2);
    expect(q.uncertain.n).toBe(0);
    expect(q.manual.n).toBe(0);
    expect(q.sample.accuracy).toBe(0.5);
    const at = (official: Label, model: Label) =>
      q.sample.confusion.rows[q.sample.confusion.labels.indexOf(official)]?.[
        q.sample.confusion.labels.indexOf(model)
      ];
    expect(at(aModel, aModel)).toBe(1);
    expect(at(bOfficial, bModel)).toBe(1);
    // Answered mentions carry an official label now and leave the queue.
    const after = await queue('sample');
    expect(after.items.map((m) => m.id)).not.toContain(a.id);
    expect(after.items.map((m) => m.id)).not.toContain(b.id);
    expect(after.remaining).toBe(before.remaining - 2);
    await expect.poll(() => page.locator('.review-quality').textContent()).toContain('(baru 2)');
    expect(pageErrors).toEqual([]);
  });

  it('switches to the least-certain queue and saves its answers as review-uncertain', async () => {
    const expected = await queue('uncertain');
    const toggle = page.getByRole('button', { name: 'Paling ragu' });
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(
      await page.getByRole('button', { name: 'Sampel acak' }).getAttribute('aria-pressed'),
    ).toBe('false');
    await expect.poll(() => listed(page)).toEqual(expected.items.map((m) => m.id));

    const first = expected.items[0] as ApiMention;
    const model = first.sentiment?.label as Label;
    await page
      .locator(`.review-item[data-mention-id="${first.id}"]`)
      .getByRole('button', { name: `✓ ${ID[model]} (benar)` })
      .click();
    await expect.poll(() => listed(page)).not.toContain(first.id);
    const q = await quality();
    expect(q.uncertain.n).toBe(1);
    expect(q.uncertain.agreement).toBe(1);
    expect(q.sample.n).toBe(2);

    // A fresh load starts at the default again: the random sample.
    await page.reload();
    await page.locator('.review-item').first().waitFor();
    expect(
      await page.getByRole('button', { name: 'Paling ragu' }).getAttribute('aria-pressed'),
    ).toBe('false');
    expect(pageErrors).toEqual([]);
  });

  it('loads the next items when the list empties, and states the measured accuracy from 30 sampled answers', async () => {
    await open(page, `${runtime.url}/#/issues/${issueId}`);
    await page.locator('.review-item').first().waitFor();
    // Confirm the whole first page.
    const firstPage = await listed(page);
    expect(firstPage.length).toBe(10);
    for (const id of firstPage) {
      await page.locator(`.review-item[data-mention-id="${id}"] .review-model-label`).click();
      await expect.poll(() => listed(page)).not.toContain(id);
    }
    // The next page arrived by itself, and the focus is on its first item.
    await expect.poll(async () => (await listed(page)).length).toBe(10);
    const next = await listed(page);
    expect(next.some((id) => firstPage.includes(id))).toBe(false);
    expect(await focusedMention(page)).toBe(next[0]);

    // 12 sampled answers so far: 18 more through the API (corrections to NEUTRAL) reach 30.
    const rest = await queue('sample', 18);
    for (const m of rest.items) {
      await api(`/v1/mentions/${m.id}/sentiment`, {
        method: 'POST',
        body: JSON.stringify({ label: 'NEUTRAL', origin: 'review-sample' }),
      });
    }
    const q = await quality();
    expect(q.sample.n).toBe(30);
    await open(page, `${runtime.url}/#/issues/${issueId}`);
    const line = page.locator('.review-quality');
    await expect.poll(() => line.textContent()).toMatch(/^Model sesuai/);
    const text = (await line.textContent()) ?? '';
    const match =
      /^Model sesuai dengan penilaian petugas pada (\d+)\s?% dari 30 sebutan sampel acak \(F1 makro (\d+(?:,\d+)?)\)\.$/.exec(
        text,
      );
    expect(match, text).not.toBeNull();
    expect(Number(match?.[1])).toBe(Math.round((q.sample.accuracy ?? -1) * 100));
    // Indonesian decimal comma, two digits at most.
    expect(Number((match?.[2] ?? '').replace(',', '.'))).toBeCloseTo(q.sample.macroF1 ?? -1, 2);
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('shows a read-only token the queue with disabled buttons and the reason, on a 360 px phone', async () => {
    const { token } = await api<{ token: string }>('/v1/tenants/demo/tokens', {
      method: 'POST',
      body: JSON.stringify({ scopes: ['pantau/read'], name: 'review read-only' }),
    });
    const before = await quality();
    const phone = await phoneContext(browser);
    try {
      const p = await phone.newPage();
      const errors: string[] = [];
      p.on('pageerror', (err) => errors.push(err.message));
      await p.goto(`${runtime.url}/?token=${token}#/issues/${issueId}`);
      await p.locator('.review-item').first().waitFor();
      const note = p.locator('.review-readonly');
      await expect.poll(() => note.isVisible()).toBe(true);
      expect(await note.textContent()).toContain('pantau/write');
      const buttons = p.locator('.review-answer');
      expect(await buttons.count()).toBeGreaterThan(0);
      expect(await p.locator('.review-answer:enabled').count()).toBe(0);
      expect(await buttons.first().getAttribute('aria-describedby')).toBe(
        await note.getAttribute('id'),
      );
      // The mention lists' correction control follows the same rule.
      const selects = p.locator('.mention-list select');
      expect(await selects.count()).toBeGreaterThan(0);
      expect(await p.locator('.mention-list select:enabled').count()).toBe(0);
      expect(await p.locator('.mention-correct').first().textContent()).toContain(
        'Hanya baca: token tanpa izin pantau/write',
      );
      // The switch still works for reading.
      await p.getByRole('button', { name: 'Paling ragu' }).click();
      await expect.poll(() => listed(p)).toEqual((await queue('uncertain')).items.map((m) => m.id));
      expect(await p.locator('.review-answer:enabled').count()).toBe(0);

      await p.waitForLoadState('networkidle');
      const [scroll, client] = (await p.evaluate(
        '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
      )) as [number, number];
      expect(scroll).toBeLessThanOrEqual(client);
      expect(errors).toEqual([]);
    } finally {
      await phone.close();
    }
    const after = await quality();
    expect(after.sample.n).toBe(before.sample.n);
    expect(after.uncertain.n).toBe(before.uncertain.n);
  }, 60_000);

  it('speaks English after the toggle', async () => {
    await open(page, `${runtime.url}/#/issues/${issueId}`);
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Review sentiment' }).waitFor();
    await page.locator('.review-item').first().waitFor();
    expect(await page.getByRole('button', { name: 'Random sample' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Least certain' }).count()).toBe(1);
    const first = (await queue('sample')).items[0] as ApiMention;
    const model = first.sentiment?.label as Label;
    const item = page.locator(`.review-item[data-mention-id="${first.id}"]`);
    expect(await item.locator('.review-model-label').textContent()).toBe(
      `✓ ${EN[model]} (correct)`,
    );
    await expect
      .poll(() => page.locator('.review-quality').textContent())
      .toMatch(
        /^The model agreed with officials on \d+% of 30 randomly sampled mentions \(macro F1 [\d.]+\)\.$/,
      );
    await page.getByRole('button', { name: 'Ganti ke Bahasa Indonesia' }).click();
    await page.getByRole('heading', { name: 'Periksa sentimen' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
