/**
 * The sentiment review queue, correction origins and the live quality figures (issue #3), through
 * the API on the in-memory repositories. test/integration/api/review.test.ts runs the same
 * behaviour on DynamoDB Local.
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hourQuotas } from '../../../lib/api/routes/review.ts';
import type { Mention, SentimentLabel } from '../../../lib/domain/types.ts';
import { evaluate } from '../../../lib/sentiment/train/metrics.ts';
import { hmacOrder } from '../../helpers/review-order.ts';
import { createFakeRepositories } from './fakes.ts';
import { buildApi, client, makeMention, tenantWithTokens } from './fixtures.ts';

const NOW = new Date('2026-11-29T09:00:00.000Z');

function scored(label: SentimentLabel, scores: Partial<Record<SentimentLabel, number>>) {
  return {
    label,
    scores: { POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0, ...scores },
    engine: 'builtin',
    model: 'indo-v3',
    scoredAt: NOW.toISOString(),
  };
}

async function setup() {
  const repos = createFakeRepositories();
  const clock = { now: NOW };
  const api = buildApi(repos, { now: () => clock.now });
  const call = client(api);
  const a = await tenantWithTokens(repos, 'kominfo', NOW);
  const b = await tenantWithTokens(repos, 'bapanas', NOW);
  const issue = async (token: string) => {
    const res = await call('POST', '/v1/issues', {
      token,
      body: { name: 'Beras', query: 'beras' },
    });
    expect(res.status).toBe(201);
    return res.json.id as string;
  };
  return { repos, clock, call, a, b, issue };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Puts a mention `minutesAgo` before NOW and returns it as stored (with its id). */
async function put(
  t: Setup,
  tenantId: string,
  issueId: string,
  i: number,
  minutesAgo: number,
  overrides: Partial<Mention> = {},
): Promise<Mention> {
  const createdAt = new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();
  const m = makeMention(tenantId, issueId, i, NOW, { createdAt, sourceId: `p${i}`, ...overrides });
  expect(await t.repos.mentions.putNew(m)).toBe(true);
  const stored = (t.repos._mentions.get(issueId) ?? []).find(
    (x) => x.sourceId === m.sourceId && x.source === m.source,
  );
  return stored as Mention;
}

describe('POST /v1/mentions/{id}/sentiment: origin', () => {
  let t: Setup;
  let issueId: string;
  beforeEach(async () => {
    t = await setup();
    issueId = await t.issue(t.a.write);
  });

  it('stores the origin with the model label and version; defaults to manual', async () => {
    const m = await put(t, 'kominfo', issueId, 1, 10, { sentiment: scored('NEGATIVE', {}) });
    const n = await put(t, 'kominfo', issueId, 2, 20, { sentiment: scored('NEUTRAL', {}) });
    const path = (x: Mention) => `/v1/mentions/${x.id}/sentiment`;

    const res = await t.call('POST', path(m), {
      token: t.a.write,
      body: { label: 'POSITIVE', origin: 'review-sample' },
    });
    const plain = await t.call('POST', path(n), { token: t.a.write, body: { label: 'NEUTRAL' } });

    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      id: m.id,
      label: 'POSITIVE',
      previous: 'NEGATIVE',
      origin: 'review-sample',
    });
    // A confirmation: the label the mention already has, stored like any correction.
    expect(plain.json).toEqual({
      id: n.id,
      label: 'NEUTRAL',
      previous: 'NEUTRAL',
      origin: 'manual',
    });
    const records = await t.repos.mentions.listIssueCorrections(
      issueId,
      '2026-01-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    );
    expect(records).toEqual([
      expect.objectContaining({
        mentionId: m.id,
        label: 'POSITIVE',
        modelLabel: 'NEGATIVE',
        model: 'indo-v3',
        origin: 'review-sample',
      }),
      expect.objectContaining({
        mentionId: n.id,
        label: 'NEUTRAL',
        modelLabel: 'NEUTRAL',
        origin: 'manual',
      }),
    ]);
    expect(t.repos._audit.at(-1)?.change).toEqual({
      label: 'NEUTRAL',
      previous: 'NEUTRAL',
      origin: 'manual',
    });
  });

  it("keeps the model's label on a later correction, not the earlier official one", async () => {
    const m = await put(t, 'kominfo', issueId, 1, 10, { sentiment: scored('NEGATIVE', {}) });
    const path = `/v1/mentions/${m.id}/sentiment`;
    await t.call('POST', path, { token: t.a.write, body: { label: 'POSITIVE' } });
    t.clock.now = new Date(NOW.getTime() + 60_000);
    const again = await t.call('POST', path, {
      token: t.a.write,
      body: { label: 'MIXED', origin: 'review-uncertain' },
    });
    expect(again.json.previous).toBe('POSITIVE');
    const records = await t.repos.mentions.listIssueCorrections(
      issueId,
      '2026-01-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    );
    // One record per mention, the latest, still judging the model's NEGATIVE.
    expect(records).toHaveLength(1);
    expect(records?.[0]).toMatchObject({
      label: 'MIXED',
      previousLabel: 'POSITIVE',
      modelLabel: 'NEGATIVE',
      model: 'indo-v3',
      origin: 'review-uncertain',
      at: '2026-11-29T09:01:00.000Z',
    });
  });

  it('refuses an unknown origin with a 400 naming body.origin, and changes nothing', async () => {
    const m = await put(t, 'kominfo', issueId, 1, 10, { sentiment: scored('NEGATIVE', {}) });
    const res = await t.call('POST', `/v1/mentions/${m.id}/sentiment`, {
      token: t.a.write,
      body: { label: 'POSITIVE', origin: 'sample' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details[0].field).toBe('body.origin');
    expect((await t.repos.mentions.get(m.id))?.sentiment?.label).toBe('NEGATIVE');
    expect(await t.repos.mentions.listCorrections()).toEqual([]);
  });
});

describe('GET /v1/issues/{id}/review', () => {
  let t: Setup;
  let issueId: string;
  /** Model-scored mentions of the issue in the default 72-hour window. */
  let eligible: Mention[];

  beforeEach(async () => {
    t = await setup();
    issueId = await t.issue(t.a.write);
    const other = await t.issue(t.a.write);
    eligible = [];
    for (let i = 0; i < 30; i++) eligible.push(await put(t, 'kominfo', issueId, i, 10 + i * 60));
    // Not offered: unscored, already corrected, older than the window, another issue's.
    await put(t, 'kominfo', issueId, 100, 5, { sentiment: undefined });
    const corrected = await put(t, 'kominfo', issueId, 101, 6);
    await t.repos.mentions.correct(corrected, 'NEUTRAL', 'token:x', NOW.toISOString());
    await put(t, 'kominfo', issueId, 102, 73 * 60);
    await put(t, 'kominfo', other, 103, 7);
  });

  const ids = (res: { json: { items: Mention[] } }) => res.json.items.map((m) => m.id);

  it('orders the sample by HMAC-SHA256(issue id + UTC date, mention id), model-scored only', async () => {
    const res = await t.call('GET', `/v1/issues/${issueId}/review`, {
      token: t.a.read,
      query: { limit: '50' },
    });
    expect(res.status).toBe(200);
    const expected = hmacOrder(
      issueId,
      '2026-11-29',
      eligible.map((m) => m.id),
    );
    expect(ids(res)).toEqual(expected);
    expect(res.json).toMatchObject({
      mode: 'sample',
      from: '2026-11-26T09:00:00.000Z',
      to: '2026-11-29T09:00:00.000Z',
      examined: 32,
      remaining: 30,
    });
    // The default limit is 10: the head of the same order.
    const head = await t.call('GET', `/v1/issues/${issueId}/review`, { token: t.a.read });
    expect(ids(head)).toEqual(expected.slice(0, 10));
  });

  it('keeps the order all day and draws afresh the next UTC day', async () => {
    const q = { token: t.a.read, query: { limit: '50' } };
    const morning = ids(await t.call('GET', `/v1/issues/${issueId}/review`, q));
    t.clock.now = new Date('2026-11-29T23:59:59.000Z');
    const night = ids(await t.call('GET', `/v1/issues/${issueId}/review`, q));
    t.clock.now = new Date('2026-11-30T00:00:01.000Z');
    const nextDay = ids(await t.call('GET', `/v1/issues/${issueId}/review`, q));

    expect(night).toEqual(morning);
    expect([...nextDay].sort()).toEqual([...morning].sort());
    expect(nextDay).not.toEqual(morning);
    expect(nextDay).toEqual(hmacOrder(issueId, '2026-11-30', morning));
  });

  it('drops an answered mention from the queue and keeps the rest in order', async () => {
    const q = { token: t.a.read, query: { limit: '50' } };
    const before = ids(await t.call('GET', `/v1/issues/${issueId}/review`, q));
    const first = before[0] as string;
    const answered = await t.call('POST', `/v1/mentions/${first}/sentiment`, {
      token: t.a.write,
      body: { label: 'NEGATIVE', origin: 'review-sample' },
    });
    expect(answered.status).toBe(200);
    const after = await t.call('GET', `/v1/issues/${issueId}/review`, q);
    expect(ids(after)).toEqual(before.slice(1));
    expect(after.json.remaining).toBe(29);
  });

  it('orders the uncertain queue by the margin of the two top scores, ties newest first', async () => {
    const u = await t.issue(t.a.write);
    const near = await put(t, 'kominfo', u, 1, 30, {
      sentiment: scored('NEGATIVE', { NEGATIVE: 0.41, NEUTRAL: 0.39, POSITIVE: 0.2 }),
    });
    // MIXED is not one of the compared scores: its margin is 0.5 - 0.3.
    const mixedHigh = await put(t, 'kominfo', u, 2, 40, {
      sentiment: scored('MIXED', { MIXED: 0.9, POSITIVE: 0.5, NEGATIVE: 0.3, NEUTRAL: 0 }),
    });
    const sure = await put(t, 'kominfo', u, 3, 50, {
      sentiment: scored('POSITIVE', { POSITIVE: 0.95, NEUTRAL: 0.05 }),
    });
    const tieOld = await put(t, 'kominfo', u, 4, 90, {
      sentiment: scored('NEUTRAL', { NEUTRAL: 0.5, POSITIVE: 0.4, NEGATIVE: 0.1 }),
    });
    const tieNew = await put(t, 'kominfo', u, 5, 20, {
      sentiment: scored('NEUTRAL', { NEUTRAL: 0.5, NEGATIVE: 0.4, POSITIVE: 0.1 }),
    });
    const res = await t.call('GET', `/v1/issues/${u}/review`, {
      token: t.a.read,
      query: { mode: 'uncertain' },
    });
    expect(res.json.mode).toBe('uncertain');
    expect(ids(res)).toEqual([near.id, tieNew.id, tieOld.id, mixedHigh.id, sure.id]);
  });

  it('reads only the last `hours`', async () => {
    const res = await t.call('GET', `/v1/issues/${issueId}/review`, {
      token: t.a.read,
      query: { hours: '3', limit: '50' },
    });
    // Mentions 10, 70 and 130 minutes old, plus the two ineligible ones 5 and 6 minutes old.
    expect(res.json).toMatchObject({ from: '2026-11-29T06:00:00.000Z', examined: 5 });
    expect([...ids(res)].sort()).toEqual(
      eligible
        .slice(0, 3)
        .map((m) => m.id)
        .sort(),
    );
    expect(res.json.remaining).toBe(3);
  });

  it('examines only the newest 2,000 mentions of the window', async () => {
    const big = await t.issue(t.a.write);
    const newest = new Set<string>();
    for (let i = 0; i < 2_050; i++) {
      // The 50 oldest are the least certain: they would lead the queue if they were read.
      const m = await put(t, 'kominfo', big, 1_000 + i, 1 + i, {
        sentiment: scored(
          'NEUTRAL',
          i < 2_000 ? { NEUTRAL: 0.9 } : { NEUTRAL: 0.5, NEGATIVE: 0.49 },
        ),
      });
      if (i < 2_000) newest.add(m.id);
    }
    const res = await t.call('GET', `/v1/issues/${big}/review`, {
      token: t.a.read,
      query: { mode: 'uncertain', limit: '50' },
    });
    expect(res.json).toMatchObject({ examined: 2_000, remaining: 2_000 });
    expect(res.json.items).toHaveLength(50);
    expect(ids(res).every((id) => newest.has(id))).toBe(true);
  });

  it('spreads the 2,000 reads of a busy window over its hours by their volume', async () => {
    const big = await t.issue(t.a.write);
    // 30 hours of 100 mentions each: the newest 2,000 alone would be the last 20 hours.
    const oldestHours = new Set<string>();
    for (let h = 0; h < 30; h++) {
      const start = new Date(NOW.getTime() - (h + 1) * 3_600_000).toISOString();
      t.repos._buckets.push({
        tenantId: 'kominfo',
        issueId: big,
        width: '1h',
        start,
        total: 100,
        positive: 0,
        negative: 0,
        neutral: 100,
        mixed: 0,
        engagement: 0,
      });
      for (let k = 0; k < 100; k++) {
        // The ten oldest hours are the least certain: they lead the queue only if they are read.
        const m = await put(t, 'kominfo', big, 10_000 + h * 100 + k, h * 60 + 0.5 + k * 0.5, {
          sentiment: scored(
            'NEUTRAL',
            h >= 20 ? { NEUTRAL: 0.5, NEGATIVE: 0.49 } : { NEUTRAL: 0.9 },
          ),
        });
        if (h >= 20) oldestHours.add(m.id);
      }
    }
    const res = await t.call('GET', `/v1/issues/${big}/review`, {
      token: t.a.read,
      query: { mode: 'uncertain', limit: '50', hours: '30' },
    });
    expect(res.json).toMatchObject({ examined: 2_000, remaining: 2_000 });
    expect(ids(res).every((id) => oldestHours.has(id))).toBe(true);
  });

  it('splits the reads by largest remainder, in proportion, summing to the budget', () => {
    const h = (weight: number) => ({ from: '', to: '', weight });
    expect(hourQuotas([h(1), h(1), h(1)], 2_000)).toEqual([667, 667, 666]);
    expect(hourQuotas([h(300), h(0), h(100)], 2_000)).toEqual([1_500, 0, 500]);
    expect(hourQuotas([h(0.5), h(2)], 5)).toEqual([1, 4]);
    expect(hourQuotas([h(0), h(0)], 2_000)).toEqual([0, 0]);
  });

  it('refuses a bad limit, hours or mode with a 400 naming the field', async () => {
    for (const [name, value] of [
      ['limit', '0'],
      ['limit', '51'],
      ['limit', 'ten'],
      ['hours', '0'],
      ['hours', '169'],
      ['hours', '1.5'],
      ['mode', 'random'],
      ['order', 'asc'],
    ] as const) {
      const res = await t.call('GET', `/v1/issues/${issueId}/review`, {
        token: t.a.read,
        query: { [name]: value },
      });
      expect(res.status, `${name}=${value}`).toBe(400);
      expect(res.json.error.details.map((d: { field: string }) => d.field)).toEqual([
        `query.${name}`,
      ]);
    }
    for (const [name, value] of [
      ['limit', '1'],
      ['limit', '50'],
      ['hours', '1'],
      ['hours', '168'],
    ] as const) {
      const res = await t.call('GET', `/v1/issues/${issueId}/review`, {
        token: t.a.read,
        query: { [name]: value },
      });
      expect(res.status, `${name}=${value}`).toBe(200);
    }
  });

  it("answers 404 for another tenant's issue on both routes, and needs a token", async () => {
    for (const path of [
      `/v1/issues/${issueId}/review`,
      `/v1/issues/${issueId}/sentiment-quality`,
    ]) {
      const res = await t.call('GET', path, { token: t.b.admin });
      expect(res.status, path).toBe(404);
      expect(res.json.error.code).toBe('not_found');
      expect((await t.call('GET', path)).status).toBe(401);
    }
  });
});

describe('GET /v1/issues/{id}/sentiment-quality', () => {
  let t: Setup;
  let issueId: string;
  let n = 0;

  beforeEach(async () => {
    t = await setup();
    issueId = await t.issue(t.a.write);
    n = 0;
    // Answers a minute before the figures are read: a range's end is exclusive.
    t.clock.now = new Date(NOW.getTime() - 60_000);
  });

  /** A mention the model scored `model`, then an official's answer `label` from `origin`. */
  async function answer(
    model: SentimentLabel,
    label: SentimentLabel,
    origin: string | undefined,
    version = 'indo-v3',
  ): Promise<Mention> {
    const m = await put(t, 'kominfo', issueId, n++, 5, {
      sentiment: { ...scored(model, { [model]: 1 }), model: version },
    });
    const res = await t.call('POST', `/v1/mentions/${m.id}/sentiment`, {
      token: t.a.write,
      body: origin ? { label, origin } : { label },
    });
    expect(res.status).toBe(200);
    return m;
  }

  const quality = (query: Record<string, string> = {}) => {
    t.clock.now = NOW;
    return t.call('GET', `/v1/issues/${issueId}/sentiment-quality`, { token: t.a.read, query });
  };

  it('answers null figures while no official has answered', async () => {
    const res = await quality();
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      issueId,
      from: '2026-08-31T09:00:00.000Z',
      to: '2026-11-29T09:00:00.000Z',
      sample: {
        n: 0,
        accuracy: null,
        macroF1: null,
        perClass: [],
        confusion: {
          labels: ['NEGATIVE', 'NEUTRAL', 'POSITIVE', 'MIXED'],
          rows: [
            [0, 0, 0, 0],
            [0, 0, 0, 0],
            [0, 0, 0, 0],
            [0, 0, 0, 0],
          ],
        },
      },
      uncertain: { n: 0, agreement: null },
      manual: { n: 0, agreement: null },
      models: {},
    });
  });

  it('measures the model from random-sample answers only, as the training metrics would', async () => {
    const pairs: [SentimentLabel, SentimentLabel][] = [
      // [model, official]
      ['NEGATIVE', 'NEGATIVE'],
      ['NEGATIVE', 'NEGATIVE'],
      ['NEGATIVE', 'NEUTRAL'],
      ['NEUTRAL', 'NEUTRAL'],
      ['NEUTRAL', 'NEGATIVE'],
      ['POSITIVE', 'POSITIVE'],
      ['POSITIVE', 'NEUTRAL'],
      ['NEUTRAL', 'POSITIVE'],
      ['POSITIVE', 'POSITIVE'],
    ];
    for (const [model, official] of pairs) await answer(model, official, 'review-sample');
    // These must not move the sample figures.
    await answer('NEGATIVE', 'POSITIVE', 'review-uncertain');
    await answer('NEUTRAL', 'NEUTRAL', 'review-uncertain');
    await answer('POSITIVE', 'NEGATIVE', undefined);

    const res = await quality();
    const official = pairs.map((p) => p[1]) as ('NEGATIVE' | 'NEUTRAL' | 'POSITIVE')[];
    const model = pairs.map((p) => p[0]) as ('NEGATIVE' | 'NEUTRAL' | 'POSITIVE')[];
    const reference = evaluate(official, model);

    const s = res.json.sample;
    expect(s.n).toBe(9);
    expect(s.accuracy).toBeCloseTo(reference.accuracy, 12);
    expect(s.macroF1).toBeCloseTo(reference.macroF1, 12);
    // Rows = official, columns = model, in NEGATIVE, NEUTRAL, POSITIVE, MIXED order.
    expect(s.confusion.rows).toEqual([
      ...reference.confusion.map((row) => [...row, 0]),
      [0, 0, 0, 0],
    ]);
    expect(s.confusion.rows[0]).toEqual([2, 1, 0, 0]);
    for (const c of reference.perClass) {
      const got = s.perClass.find((x: { label: string }) => x.label === c.label);
      expect(got.precision).toBeCloseTo(c.precision, 12);
      expect(got.recall).toBeCloseTo(c.recall, 12);
      expect(got.f1).toBeCloseTo(c.f1, 12);
      expect(got.support).toBe(c.support);
    }
    expect(s.perClass.map((c: { label: string }) => c.label)).toEqual([
      'NEGATIVE',
      'NEUTRAL',
      'POSITIVE',
    ]);
    expect(res.json.uncertain).toEqual({ n: 2, agreement: 0.5 });
    expect(res.json.manual).toEqual({ n: 1, agreement: 0 });
    expect(res.json.models).toEqual({ 'indo-v3': 9 });
  });

  it('averages macro-F1 over the labels the officials or the model used, MIXED included', async () => {
    await answer('NEGATIVE', 'MIXED', 'review-sample', 'indo-v3');
    await answer('NEGATIVE', 'NEGATIVE', 'review-sample', 'indo-v4');
    await answer('POSITIVE', 'POSITIVE', 'review-sample', 'indo-v4');
    await answer('NEUTRAL', 'NEUTRAL', 'review-sample', 'indo-v4');
    const s = (await quality()).json;
    // NEGATIVE: precision 1/2, recall 1 -> F1 2/3; NEUTRAL and POSITIVE 1; MIXED 0.
    expect(s.sample.accuracy).toBe(0.75);
    expect(s.sample.macroF1).toBeCloseTo((2 / 3 + 1 + 1 + 0) / 4, 12);
    expect(s.sample.confusion.rows[3]).toEqual([1, 0, 0, 0]);
    expect(s.sample.perClass.find((c: { label: string }) => c.label === 'MIXED')).toEqual({
      label: 'MIXED',
      precision: 0,
      recall: 0,
      f1: 0,
      support: 1,
    });
    expect(s.models).toEqual({ 'indo-v3': 1, 'indo-v4': 3 });
  });

  it('counts only the latest correction of a mention, judged against the model label', async () => {
    const m = await answer('NEGATIVE', 'POSITIVE', 'review-sample');
    // The same mention answered again, later, from a mention list: it leaves the sample.
    t.clock.now = new Date(NOW.getTime() - 30_000);
    await t.call('POST', `/v1/mentions/${m.id}/sentiment`, {
      token: t.a.write,
      body: { label: 'NEGATIVE' },
    });
    const later = await quality();
    expect(later.json.sample.n).toBe(0);
    // Agrees with the model's NEGATIVE, not with the earlier official POSITIVE.
    expect(later.json.manual).toEqual({ n: 1, agreement: 1 });
  });

  it('leaves out a correction of a mention no model had scored', async () => {
    const m = await put(t, 'kominfo', issueId, 900, 5, { sentiment: undefined });
    await t.call('POST', `/v1/mentions/${m.id}/sentiment`, {
      token: t.a.write,
      body: { label: 'NEGATIVE', origin: 'review-sample' },
    });
    expect((await quality()).json.sample.n).toBe(0);
  });

  it('counts corrections made in [from, to) only, and validates the range', async () => {
    t.clock.now = new Date('2026-11-01T00:00:00.000Z');
    await answer('NEGATIVE', 'NEGATIVE', 'review-sample');
    t.clock.now = new Date('2026-11-10T00:00:00.000Z');
    await answer('NEGATIVE', 'POSITIVE', 'review-sample');

    const all = await quality();
    expect(all.json.sample.n).toBe(2);
    const early = await quality({ from: '2026-11-01T00:00:00Z', to: '2026-11-10T00:00:00Z' });
    expect(early.json).toMatchObject({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-10T00:00:00.000Z',
      sample: { n: 1, accuracy: 1 },
    });
    const late = await quality({ from: '2026-11-10T00:00:00Z' });
    expect(late.json.sample).toMatchObject({ n: 1, accuracy: 0 });
    // The default range is the 90 days before `to`.
    const old = await quality({ to: '2026-11-05T00:00:00Z' });
    expect(old.json).toMatchObject({ from: '2026-08-07T00:00:00.000Z', sample: { n: 1 } });

    const bad = await quality({ from: '2026-11-10T00:00:00Z', to: '2026-11-01T00:00:00Z' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details).toEqual([
      { field: 'query.from', message: 'must be before query.to' },
    ]);
    const garbage = await quality({ to: 'kemarin' });
    expect(garbage.status).toBe(400);
    expect(garbage.json.error.details[0].field).toBe('query.to');
  });
});

describe('the committed OpenAPI document', () => {
  // biome-ignore lint/suspicious/noExplicitAny: the document is walked by path.
  type Json = Record<string, any>;
  const doc = JSON.parse(
    readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'),
  ) as Json;
  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve);
    if (!node || typeof node !== 'object') return node;
    const ref = (node as Json).$ref;
    if (typeof ref === 'string') {
      return resolve(
        ref
          .replace(/^#\//, '')
          .split('/')
          .reduce((acc: Json, k) => acc[k], doc),
      );
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v)]));
  };
  const conforms = (path: string, method: string, status: number, body: unknown) => {
    const schema =
      doc.paths[path]?.[method]?.responses?.[String(status)]?.content?.['application/json']?.schema;
    expect(schema, `${method} ${path} ${status}`).toBeDefined();
    const result = z.fromJSONSchema(resolve(schema) as never).safeParse(body);
    expect(result.success, JSON.stringify(result.error?.issues.slice(0, 3))).toBe(true);
  };

  it('describes the real answers of the review, quality and correction routes', async () => {
    const t = await setup();
    const issueId = await t.issue(t.a.write);
    const m = await put(t, 'kominfo', issueId, 1, 10, { sentiment: scored('NEGATIVE', {}) });
    await put(t, 'kominfo', issueId, 2, 20);
    const review = await t.call('GET', `/v1/issues/${issueId}/review`, { token: t.a.read });
    conforms('/v1/issues/{issueId}/review', 'get', 200, review.json);
    const bad = await t.call('GET', `/v1/issues/${issueId}/review`, {
      token: t.a.read,
      query: { mode: 'x' },
    });
    conforms('/v1/issues/{issueId}/review', 'get', 400, bad.json);
    const empty = await t.call('GET', `/v1/issues/${issueId}/sentiment-quality`, {
      token: t.a.read,
    });
    conforms('/v1/issues/{issueId}/sentiment-quality', 'get', 200, empty.json);
    t.clock.now = new Date(NOW.getTime() - 1000);
    const corrected = await t.call('POST', `/v1/mentions/${m.id}/sentiment`, {
      token: t.a.write,
      body: { label: 'POSITIVE', origin: 'review-sample' },
    });
    conforms('/v1/mentions/{mentionId}/sentiment', 'post', 200, corrected.json);
    t.clock.now = NOW;
    const full = await t.call('GET', `/v1/issues/${issueId}/sentiment-quality`, {
      token: t.a.read,
    });
    expect(full.json.sample.n).toBe(1);
    conforms('/v1/issues/{issueId}/sentiment-quality', 'get', 200, full.json);
  });
});
