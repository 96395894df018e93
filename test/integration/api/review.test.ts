/**
 * The sentiment review queue, correction origins, the quality figures and the export filter on
 * the real DynamoDB repositories (DynamoDB Local): the same behaviour the unit tests check on the
 * in-memory fakes.
 */
import { PassThrough } from 'node:stream';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCorrections } from '../../../lib/cli/commands/corrections.ts';
import type { Repositories } from '../../../lib/domain/ports.ts';
import type { Mention, SentimentLabel } from '../../../lib/domain/types.ts';
import {
  CORRECTIONS_GSI1PK,
  correctionKey,
  decodeMentionId,
  mentionKey,
} from '../../../lib/storage/keys.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import { hmacOrder } from '../../helpers/review-order.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';
import { buildApi, client, makeMention, tenantWithTokens } from '../../unit/api/fixtures.ts';

const NOW = new Date('2026-11-29T09:00:00.000Z');
const WIDE = { from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' };

describe('Sentiment review on DynamoDB Local', () => {
  let table: TestTable;
  let repos: Repositories;
  const clock = { now: NOW };
  let call: ReturnType<typeof client>;
  let a: Awaited<ReturnType<typeof tenantWithTokens>>;
  let b: Awaited<ReturnType<typeof tenantWithTokens>>;
  let seq = 0;

  beforeAll(async () => {
    table = await createTestTable('api-review');
    repos = createRepositories({ doc: table.doc, tableName: table.tableName });
    call = client(buildApi(repos, { now: () => clock.now }));
    a = await tenantWithTokens(repos, 'kominfo', NOW);
    b = await tenantWithTokens(repos, 'bapanas', NOW);
  });

  afterAll(async () => {
    await table?.drop();
  });

  async function newIssue(token = a.write): Promise<string> {
    clock.now = NOW;
    const res = await call('POST', '/v1/issues', {
      token,
      body: { name: 'Beras', query: 'beras' },
    });
    expect(res.status).toBe(201);
    return res.json.id;
  }

  /** Stores a mention `minutesAgo` before NOW and, unless `scores` is null, a model's score. */
  async function put(
    tenantId: string,
    issueId: string,
    minutesAgo: number,
    label: SentimentLabel | null,
    scores: Partial<Record<SentimentLabel, number>> = {},
    model = 'indo-v3',
  ): Promise<Mention> {
    const i = seq++;
    const createdAt = new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();
    const m = makeMention(tenantId, issueId, i, NOW, { createdAt, sourceId: `r${i}` });
    const { sentiment: _s, detectedLang: _d, ...unscored } = m;
    expect(await repos.mentions.putNew(unscored as Mention)).toBe(true);
    if (label) {
      const r = await repos.mentions.recordScores([
        {
          mention: m,
          sentiment: {
            label,
            scores: { POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0, [label]: 1, ...scores },
            engine: 'builtin',
            model,
            scoredAt: createdAt,
          },
          detectedLang: 'id',
        },
      ]);
      expect(r.applied).toBe(1);
    }
    return (await repos.mentions.get(m.id)) as Mention;
  }

  async function answer(id: string, label: SentimentLabel, origin?: string, at = NOW) {
    clock.now = at;
    const res = await call('POST', `/v1/mentions/${id}/sentiment`, {
      token: a.write,
      body: origin ? { label, origin } : { label },
    });
    expect(res.status).toBe(200);
    return res.json;
  }

  const ids = (res: { json: { items: Mention[] } }) => res.json.items.map((m) => m.id);

  it('offers model-scored mentions of the window in the daily HMAC order', async () => {
    const issueId = await newIssue();
    const other = await newIssue();
    const eligible: Mention[] = [];
    for (let k = 0; k < 12; k++)
      eligible.push(await put('kominfo', issueId, 5 + k * 90, 'NEUTRAL'));
    await put('kominfo', issueId, 3, null);
    const corrected = await put('kominfo', issueId, 4, 'NEGATIVE');
    await answer(corrected.id, 'NEGATIVE', 'review-sample', new Date(NOW.getTime() - 1000));
    await put('kominfo', issueId, 73 * 60, 'NEGATIVE');
    await put('kominfo', other, 2, 'NEGATIVE');

    clock.now = NOW;
    const q = { token: a.read, query: { limit: '50' } };
    const res = await call('GET', `/v1/issues/${issueId}/review`, q);
    expect(res.status).toBe(200);
    const expected = hmacOrder(
      issueId,
      '2026-11-29',
      eligible.map((m) => m.id),
    );
    expect(ids(res)).toEqual(expected);
    expect(res.json).toMatchObject({ mode: 'sample', examined: 14, remaining: 12 });
    expect(res.json.items[0].sentiment.engine).toBe('builtin');

    clock.now = new Date('2026-11-29T20:00:00.000Z');
    expect(ids(await call('GET', `/v1/issues/${issueId}/review`, q))).toEqual(expected);
    clock.now = new Date('2026-11-30T01:00:00.000Z');
    const next = ids(await call('GET', `/v1/issues/${issueId}/review`, q));
    expect(next).toEqual(hmacOrder(issueId, '2026-11-30', expected));
    expect(next).not.toEqual(expected);

    clock.now = NOW;
    expect((await call('GET', `/v1/issues/${issueId}/review`, { token: b.admin })).status).toBe(
      404,
    );
    const bad = await call('GET', `/v1/issues/${issueId}/review`, {
      token: a.read,
      query: { hours: '200' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].field).toBe('query.hours');
  });

  it('orders the least-certain queue by score margin, ties newest first', async () => {
    const issueId = await newIssue();
    const sure = await put('kominfo', issueId, 10, 'POSITIVE', { POSITIVE: 0.9, NEUTRAL: 0.1 });
    const tieOld = await put('kominfo', issueId, 30, 'NEUTRAL', { NEUTRAL: 0.6, NEGATIVE: 0.4 });
    const near = await put('kominfo', issueId, 40, 'NEGATIVE', {
      NEGATIVE: 0.45,
      NEUTRAL: 0.44,
      POSITIVE: 0.11,
    });
    const tieNew = await put('kominfo', issueId, 20, 'NEUTRAL', { NEUTRAL: 0.6, POSITIVE: 0.4 });
    clock.now = NOW;
    const res = await call('GET', `/v1/issues/${issueId}/review`, {
      token: a.read,
      query: { mode: 'uncertain', limit: '3' },
    });
    expect(ids(res)).toEqual([near.id, tieNew.id, tieOld.id]);
    expect(res.json.remaining).toBe(4);
    expect(ids(res)).not.toContain(sure.id);
  });

  it("stores origin, model label and version on the correction record; keeps the model's label later", async () => {
    const issueId = await newIssue();
    const m = await put('kominfo', issueId, 10, 'NEGATIVE', {}, 'indo-v4');
    const first = await answer(m.id, 'POSITIVE', 'review-sample', new Date(NOW.getTime() - 5000));
    expect(first).toEqual({
      id: m.id,
      label: 'POSITIVE',
      previous: 'NEGATIVE',
      origin: 'review-sample',
    });
    const again = await answer(m.id, 'MIXED', 'review-uncertain', new Date(NOW.getTime() - 2000));
    expect(again.previous).toBe('POSITIVE');

    const sk = decodeMentionId(m.id)?.sk as string;
    const raw = await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: correctionKey(issueId, sk) }),
    );
    expect(raw.Item).toMatchObject({
      label: 'MIXED',
      previousLabel: 'POSITIVE',
      modelLabel: 'NEGATIVE',
      model: 'indo-v4',
      origin: 'review-uncertain',
      at: '2026-11-29T08:59:58.000Z',
    });
    const mentionItem = await table.doc.send(
      new GetCommand({
        TableName: table.tableName,
        Key: mentionKey(issueId, m.createdAt, m.source, m.sourceId),
      }),
    );
    expect(mentionItem.Item).toMatchObject({ modelLabel: 'NEGATIVE', modelVersion: 'indo-v4' });

    const records = await repos.mentions.listIssueCorrections(issueId, WIDE.from, WIDE.to);
    expect(records).toEqual([
      {
        tenantId: 'kominfo',
        issueId,
        mentionId: m.id,
        text: m.text,
        label: 'MIXED',
        previousLabel: 'POSITIVE',
        modelLabel: 'NEGATIVE',
        model: 'indo-v4',
        origin: 'review-uncertain',
        by: expect.stringMatching(/^token:/),
        at: '2026-11-29T08:59:58.000Z',
      },
    ]);
    // The range is of correction times, end exclusive.
    expect(
      await repos.mentions.listIssueCorrections(issueId, WIDE.from, '2026-11-29T08:59:58.000Z'),
    ).toEqual([]);
  });

  it('reports quality from the latest correction per mention, sample answers only', async () => {
    const issueId = await newIssue();
    clock.now = NOW;
    const empty = await call('GET', `/v1/issues/${issueId}/sentiment-quality`, { token: a.read });
    expect(empty.json.sample).toMatchObject({ n: 0, accuracy: null, macroF1: null });
    expect(empty.json.manual).toEqual({ n: 0, agreement: null });

    const at = (day: number) => new Date(Date.parse('2026-11-01T00:00:00.000Z') + day * 86_400_000);
    // [model, official, origin, day answered]
    const plan: [SentimentLabel, SentimentLabel, string | undefined, number][] = [
      ['NEGATIVE', 'NEGATIVE', 'review-sample', 1],
      ['NEGATIVE', 'NEUTRAL', 'review-sample', 2],
      ['POSITIVE', 'POSITIVE', 'review-sample', 3],
      ['NEUTRAL', 'MIXED', 'review-sample', 20],
      ['NEUTRAL', 'NEUTRAL', 'review-uncertain', 4],
      ['POSITIVE', 'NEGATIVE', undefined, 5],
    ];
    const mentions: Mention[] = [];
    for (const [model, official, origin, day] of plan) {
      const m = await put('kominfo', issueId, 60, model);
      mentions.push(m);
      await answer(m.id, official, origin, at(day));
    }
    // The first sample answer is later overridden from a mention list: it leaves the sample.
    await answer(mentions[0]?.id as string, 'POSITIVE', undefined, at(21));

    clock.now = NOW;
    const res = await call('GET', `/v1/issues/${issueId}/sentiment-quality`, { token: a.read });
    expect(res.status).toBe(200);
    const s = res.json.sample;
    expect(s.n).toBe(3);
    expect(s.accuracy).toBeCloseTo(1 / 3, 12);
    // Rows official, columns model (NEGATIVE, NEUTRAL, POSITIVE, MIXED).
    expect(s.confusion.rows).toEqual([
      [0, 0, 0, 0],
      [1, 0, 0, 0],
      [0, 0, 1, 0],
      [0, 1, 0, 0],
    ]);
    // Present labels: NEGATIVE (F1 0), NEUTRAL (0), POSITIVE (1), MIXED (0).
    expect(s.macroF1).toBeCloseTo(1 / 4, 12);
    expect(res.json.uncertain).toEqual({ n: 1, agreement: 1 });
    // Manual: POSITIVE kept by nobody (model POSITIVE -> NEGATIVE), NEGATIVE -> POSITIVE.
    expect(res.json.manual).toEqual({ n: 2, agreement: 0 });
    expect(res.json.models).toEqual({ 'indo-v3': 3 });

    const early = await call('GET', `/v1/issues/${issueId}/sentiment-quality`, {
      token: a.read,
      query: { from: '2026-11-03T00:00:00Z', to: '2026-11-06T00:00:00Z' },
    });
    // Days 2-4: two sample answers and the uncertain one; the day-1 answer was replaced on day 21.
    expect(early.json.sample).toMatchObject({ n: 2, accuracy: 0.5 });
    expect(early.json.uncertain.n).toBe(1);
    expect(early.json.manual.n).toBe(0);
    expect(
      (await call('GET', `/v1/issues/${issueId}/sentiment-quality`, { token: b.read })).status,
    ).toBe(404);
  });

  it('exports corrections by origin; a record stored before origins counts as manual', async () => {
    const issueId = await newIssue();
    const s1 = await put('kominfo', issueId, 10, 'NEGATIVE');
    const u1 = await put('kominfo', issueId, 11, 'NEGATIVE');
    await answer(s1.id, 'POSITIVE', 'review-sample');
    await answer(u1.id, 'NEUTRAL', 'review-uncertain');
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          pk: `ISSUE#${issueId}`,
          sk: 'CORR#M#2026-01-01T00:00:00.000Z#x#legacy',
          entityType: 'correction',
          tenantId: 'kominfo',
          issueId,
          mentionId: 'legacy',
          text: 'korreksi lama',
          label: 'NEGATIVE',
          by: 'token:old',
          at: '2026-01-01T00:00:00.000Z',
          gsi1pk: CORRECTIONS_GSI1PK,
          gsi1sk: `2026-01-01T00:00:00.000Z#${issueId}#M#legacy`,
        },
      }),
    );
    // The table holds the other tests' corrections too: keep this test's lines.
    const lines = async (origin?: 'all' | 'manual' | 'review-sample' | 'review-uncertain') => {
      const out = new PassThrough();
      let text = '';
      out.on('data', (c: Buffer) => {
        text += c.toString();
      });
      await exportCorrections(repos.mentions, out, origin);
      return text
        .split('\n')
        .filter((l) => [s1.text, u1.text, 'korreksi lama'].some((t) => l.startsWith(`${t}\t`)));
    };
    expect(await lines('review-sample')).toEqual([`${s1.text}\tPOSITIVE`]);
    expect(await lines('review-uncertain')).toEqual([`${u1.text}\tNEUTRAL`]);
    expect(await lines('manual')).toEqual(['korreksi lama\tNEGATIVE']);
    expect(await lines('all')).toHaveLength(3);
    expect(await lines()).toHaveLength(3);
    const legacy = (await repos.mentions.listIssueCorrections(issueId, WIDE.from, WIDE.to))?.find(
      (c) => c.mentionId === 'legacy',
    );
    expect(legacy?.origin).toBe('manual');
    await expect(repos.mentions.listCorrections({ origin: 'bogus' as 'manual' })).rejects.toThrow(
      /Unknown correction origin 'bogus'/,
    );
  });
});
