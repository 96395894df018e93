import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../lib/domain/errors.ts';
import type { Repositories } from '../../../lib/domain/ports.ts';
import {
  BUCKET_WIDTHS,
  type BucketWidth,
  type Mention,
  SENTIMENT_LABELS,
  type SentimentLabel,
} from '../../../lib/domain/types.ts';
import { bucketKey, mentionKey } from '../../../lib/storage/keys.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';
import { mention, scoreWrite } from './fixtures.ts';

const WIDTH_MINUTES: Record<BucketWidth, number> = { '5m': 5, '1h': 60, '1d': 1440 };

/** Expected bucket start, computed from calendar fields rather than epoch arithmetic. */
function expectedStart(createdAt: string, width: BucketWidth): string {
  const d = new Date(createdAt);
  const minuteOfDay = d.getUTCHours() * 60 + d.getUTCMinutes();
  const floored = minuteOfDay - (minuteOfDay % WIDTH_MINUTES[width]);
  return new Date(
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 0, floored),
  ).toISOString();
}

type Counts = Record<
  'total' | 'positive' | 'negative' | 'neutral' | 'mixed' | 'engagement',
  number
>;

function expectedBuckets(
  scored: { m: Mention; label: SentimentLabel }[],
  width: BucketWidth,
): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const { m, label } of scored) {
    const start = expectedStart(m.createdAt, width);
    const c = out.get(start) ?? {
      total: 0,
      positive: 0,
      negative: 0,
      neutral: 0,
      mixed: 0,
      engagement: 0,
    };
    c.total += 1;
    c[label.toLowerCase() as 'positive'] += 1;
    const e = m.engagement;
    c.engagement += (e.likes ?? 0) + (e.reposts ?? 0) + (e.replies ?? 0) + (e.quotes ?? 0);
    out.set(start, c);
  }
  return out;
}

async function actualBuckets(
  repos: Repositories,
  issueId: string,
  width: BucketWidth,
): Promise<Map<string, Counts>> {
  const buckets = await repos.buckets.query(
    issueId,
    width,
    '2000-01-01T00:00:00.000Z',
    '2100-01-01T00:00:00.000Z',
  );
  return new Map(
    buckets.map((b) => [
      b.start,
      {
        total: b.total,
        positive: b.positive,
        negative: b.negative,
        neutral: b.neutral,
        mixed: b.mixed,
        engagement: b.engagement,
      },
    ]),
  );
}

describe('MentionRepository on DynamoDB Local', () => {
  let table: TestTable;
  let repos: Repositories;

  beforeAll(async () => {
    table = await createTestTable('mentions');
    repos = createRepositories({
      doc: table.doc,
      tableName: table.tableName,
      cursorSecret: 'test-secret',
    });
  });
  afterAll(async () => {
    await table.drop();
  });

  describe('putNew', () => {
    it('writes a mention once and never overwrites its score', async () => {
      // Prepare
      const m = mention({ issueId: 'dup', sourceId: 'p1' });

      // Act
      const first = await repos.mentions.putNew(m);
      const second = await repos.mentions.putNew(m);
      const scored = await repos.mentions.recordScores([scoreWrite(m, 'NEGATIVE')]);
      const third = await repos.mentions.putNew({ ...m, text: 'changed text' });

      // Assess
      expect([first, second, third]).toEqual([true, false, false]);
      expect(scored).toEqual({ applied: 1, alreadyScored: 0 });
      const stored = await repos.mentions.get(m.id);
      expect(stored?.sentiment?.label).toBe('NEGATIVE');
      expect(stored?.sentiment?.engine).toBe('builtin');
      expect(stored?.detectedLang).toBe('id');
      expect(stored?.text).toBe(m.text);
      const all = await table.doc.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'ISSUE#dup' },
        }),
      );
      expect(all.Items?.filter((i) => i.entityType === 'mention')).toHaveLength(1);
    });

    it('round-trips every field, derives the id from the key and sets the retention ttl', async () => {
      // Prepare
      const m = mention({
        issueId: 'roundtrip',
        sourceId: 'p2',
        title: 'Judul berita',
        replyTo: 'p0',
        author: { id: 'a1', handle: 'warga', name: 'Warga', followers: 10 },
        id: 'caller-made-up-id',
      });
      const custom = createRepositories({
        doc: table.doc,
        tableName: table.tableName,
        mentionRetentionDays: 30,
      });

      // Act
      await custom.mentions.putNew(m);

      // Assess
      const key = mentionKey('roundtrip', m.createdAt, m.source, m.sourceId);
      const raw = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: key }));
      expect(raw.Item?.entityType).toBe('mention');
      expect(raw.Item?.ttl).toBe(Date.parse(m.createdAt) / 1000 + 30 * 86_400);
      const expectedId = mention({ issueId: 'roundtrip', sourceId: 'p2' }).id;
      const stored = await repos.mentions.get(expectedId);
      expect(stored).toEqual({ ...m, id: expectedId });
      expect(await repos.mentions.get('caller-made-up-id')).toBeUndefined();
    });

    it('rejects a mention too large for one item with a ValidationError', async () => {
      const huge = mention({ issueId: 'huge', sourceId: 'h1', text: 'a'.repeat(400_000) });
      await expect(repos.mentions.putNew(huge)).rejects.toBeInstanceOf(ValidationError);
      expect(await repos.mentions.get(huge.id)).toBeUndefined();
    });

    it('rejects a malformed mention with a ValidationError and writes nothing', async () => {
      const bad = mention({ issueId: 'bad', sourceId: 'p3', createdAt: 'yesterday' });
      await expect(repos.mentions.putNew(bad)).rejects.toBeInstanceOf(ValidationError);
      const badIssue = mention({ issueId: 'has#hash', sourceId: 'p3' });
      await expect(repos.mentions.putNew(badIssue)).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('recordScores', () => {
    it('counts a replayed batch once in every bucket width and reports alreadyScored', async () => {
      // Prepare
      const ms = Array.from({ length: 10 }, (_, i) =>
        mention({
          issueId: 'replay',
          sourceId: `r${i}`,
          createdAt: `2026-03-01T08:0${i}:30.000Z`,
        }),
      );
      await Promise.all(ms.map((m) => repos.mentions.putNew(m)));
      const writes = ms.map((m, i) => scoreWrite(m, i % 3 === 0 ? 'NEGATIVE' : 'POSITIVE'));

      // Act
      const first = await repos.mentions.recordScores(writes);
      const replay = await repos.mentions.recordScores(writes);

      // Assess
      expect(first).toEqual({ applied: 10, alreadyScored: 0 });
      expect(replay).toEqual({ applied: 0, alreadyScored: 10 });
      const scored = writes.map((w) => ({ m: w.mention, label: w.sentiment.label }));
      for (const width of BUCKET_WIDTHS) {
        expect(await actualBuckets(repos, 'replay', width)).toEqual(expectedBuckets(scored, width));
      }
    });

    it('applies the new mentions of a partly replayed batch and skips the scored ones', async () => {
      // Prepare
      const ms = Array.from({ length: 12 }, (_, i) =>
        mention({
          issueId: 'partial',
          sourceId: `q${i}`,
          createdAt: `2026-03-01T09:${String(i * 4).padStart(2, '0')}:00.000Z`,
        }),
      );
      await Promise.all(ms.map((m) => repos.mentions.putNew(m)));
      const label = (i: number): SentimentLabel => SENTIMENT_LABELS[i % 4] as SentimentLabel;
      const writes = ms.map((m, i) => scoreWrite(m, label(i)));
      await repos.mentions.recordScores(writes.filter((_, i) => i % 2 === 0));

      // Act
      const result = await repos.mentions.recordScores(writes);

      // Assess
      expect(result).toEqual({ applied: 6, alreadyScored: 6 });
      const scored = writes.map((w) => ({ m: w.mention, label: w.sentiment.label }));
      for (const width of BUCKET_WIDTHS) {
        expect(await actualBuckets(repos, 'partial', width)).toEqual(
          expectedBuckets(scored, width),
        );
      }
    });

    it('produces exact counts for 75 mentions spread over many buckets and days', async () => {
      // Prepare: 37 minutes apart, so 75 distinct 5-minute windows across three days.
      const base = Date.parse('2026-03-02T22:50:00.000Z');
      const ms = Array.from({ length: 75 }, (_, i) =>
        mention({
          issueId: 'many',
          sourceId: `m${i}`,
          source: i % 2 === 0 ? 'demo' : 'rss',
          createdAt: new Date(base + i * 37 * 60_000 + (i % 7) * 1_000).toISOString(),
          engagement: { likes: i, reposts: i % 3, replies: 1, views: 1_000 },
        }),
      );
      await Promise.all(ms.map((m) => repos.mentions.putNew(m)));
      const writes = ms.map((m, i) =>
        scoreWrite(m, SENTIMENT_LABELS[(i * 7) % 4] as SentimentLabel),
      );

      // Act: shuffled, as a stream batch may be.
      const shuffled = [...writes].sort((a, b) =>
        a.mention.sourceId < b.mention.sourceId ? -1 : 1,
      );
      const result = await repos.mentions.recordScores(shuffled);

      // Assess
      expect(result).toEqual({ applied: 75, alreadyScored: 0 });
      const scored = writes.map((w) => ({ m: w.mention, label: w.sentiment.label }));
      for (const width of BUCKET_WIDTHS) {
        const expected = expectedBuckets(scored, width);
        expect(await actualBuckets(repos, 'many', width)).toEqual(expected);
      }
      expect(expectedBuckets(scored, '5m').size).toBe(75);
      expect(expectedBuckets(scored, '1d').size).toBe(3);
    }, 120_000);

    it('treats a mention that is not stored, or twice in one call, as already scored', async () => {
      // Prepare
      const stored = mention({ issueId: 'ghost', sourceId: 'g1' });
      const missing = mention({ issueId: 'ghost', sourceId: 'g2' });
      await repos.mentions.putNew(stored);

      // Act
      const result = await repos.mentions.recordScores([
        scoreWrite(stored, 'NEGATIVE'),
        scoreWrite(missing, 'NEGATIVE'),
        scoreWrite(stored, 'NEGATIVE'),
      ]);

      // Assess
      expect(result).toEqual({ applied: 1, alreadyScored: 2 });
      const fiveMin = await repos.buckets.query(
        'ghost',
        '5m',
        '2026-03-01T00:00:00.000Z',
        '2026-03-02T00:00:00.000Z',
      );
      expect(fiveMin.map((b) => [b.total, b.negative])).toEqual([[1, 1]]);
      expect(await repos.mentions.get(missing.id)).toBeUndefined();
    });

    it('expires 5-minute buckets with the mentions and keeps hourly and daily ones', async () => {
      // Prepare
      const m = mention({
        issueId: 'bucketttl',
        sourceId: 't1',
        createdAt: '2026-03-01T08:07:30.000Z',
      });
      await repos.mentions.putNew(m);

      // Act
      await repos.mentions.recordScores([scoreWrite(m, 'NEUTRAL')]);

      // Assess
      const bucket = async (width: BucketWidth, start: string) =>
        (
          await table.doc.send(
            new GetCommand({
              TableName: table.tableName,
              Key: bucketKey('bucketttl', width, start),
            }),
          )
        ).Item;
      const fiveMin = await bucket('5m', '2026-03-01T08:05:00.000Z');
      expect(fiveMin).toMatchObject({
        entityType: 'bucket',
        width: '5m',
        tenantId: 'kominfo',
        total: 1,
      });
      expect(fiveMin?.ttl).toBe(Date.parse('2026-03-01T08:05:00.000Z') / 1000 + 90 * 86_400);
      expect((await bucket('1h', '2026-03-01T08:00:00.000Z'))?.ttl).toBeUndefined();
      expect((await bucket('1d', '2026-03-01T00:00:00.000Z'))?.ttl).toBeUndefined();
    });

    it('rejects an unknown label before writing anything', async () => {
      const m = mention({ issueId: 'badlabel', sourceId: 'b1' });
      await repos.mentions.putNew(m);
      const good = scoreWrite(m, 'NEGATIVE');
      const bad = { ...good, sentiment: { ...good.sentiment, label: 'ANGRY' as SentimentLabel } };
      await expect(repos.mentions.recordScores([good, bad])).rejects.toBeInstanceOf(
        ValidationError,
      );
      expect((await repos.mentions.get(m.id))?.sentiment).toBeUndefined();
    });
  });

  describe('query', () => {
    const issueId = 'paging';
    const ms: Mention[] = [];
    const labels: SentimentLabel[] = [];

    beforeAll(async () => {
      for (let i = 0; i < 60; i++) {
        const m = mention({
          issueId,
          sourceId: `s${String(i).padStart(2, '0')}`,
          source: i % 3 === 0 ? 'rss' : 'demo',
          lang: i % 5 === 0 ? 'en' : 'id',
          createdAt: new Date(Date.parse('2026-03-03T00:00:00.000Z') + i * 60_000).toISOString(),
        });
        ms.push(m);
        labels.push(SENTIMENT_LABELS[i % 4] as SentimentLabel);
      }
      await Promise.all(ms.map((m) => repos.mentions.putNew(m)));
      // Score all but the last ten, so unscored mentions are in the range too.
      await repos.mentions.recordScores(
        ms.slice(0, 50).map((m, i) => scoreWrite(m, labels[i] as SentimentLabel)),
      );
    });

    async function collect(q: Parameters<Repositories['mentions']['query']>[1]) {
      const pages: Mention[][] = [];
      let cursor: string | undefined;
      do {
        const page = await repos.mentions.query(issueId, { ...q, cursor });
        expect(page.items.length).toBeLessThanOrEqual(q.limit);
        pages.push(page.items);
        cursor = page.nextCursor;
      } while (cursor && pages.length < 100);
      return pages;
    }

    it('returns every matching mention exactly once across filtered pages', async () => {
      // Act
      const pages = await collect({
        from: '2026-03-03T00:00:00.000Z',
        to: '2026-03-04T00:00:00.000Z',
        sentiment: 'NEGATIVE',
        source: 'demo',
        limit: 3,
        order: 'asc',
      });

      // Assess
      const got = pages.flat().map((m) => m.sourceId);
      const expected = ms
        .filter((m, i) => i < 50 && labels[i] === 'NEGATIVE' && m.source === 'demo')
        .map((m) => m.sourceId);
      expect(got).toEqual(expected);
      expect(new Set(got).size).toBe(got.length);
      expect(pages.length).toBeGreaterThan(2);
    });

    it('pages newest first without filters and honours the exclusive end of the range', async () => {
      // Act
      const pages = await collect({
        from: '2026-03-03T00:10:00.000Z',
        to: '2026-03-03T00:40:00.000Z',
        limit: 7,
        order: 'desc',
      });

      // Assess
      const got = pages.flat().map((m) => m.createdAt);
      const expected = ms
        .map((m) => m.createdAt)
        .filter((c) => c >= '2026-03-03T00:10:00.000Z' && c < '2026-03-03T00:40:00.000Z')
        .reverse();
      expect(got).toEqual(expected);
      expect(got).toHaveLength(30);
      // 30 items in pages of 7: the fifth page holds the last two and says there is no more.
      expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 2]);
    });

    it('gives no cursor when the last page is exactly full', async () => {
      const q = {
        from: '2026-03-03T00:00:00.000Z',
        to: '2026-03-03T00:10:00.000Z',
        limit: 5,
        order: 'asc' as const,
      };
      const first = await repos.mentions.query(issueId, q);
      const second = await repos.mentions.query(issueId, { ...q, cursor: first.nextCursor });
      expect([first.items.length, second.items.length]).toEqual([5, 5]);
      expect(second.nextCursor).toBeUndefined();
      expect(second.items.map((m) => m.sourceId)).toEqual(['s05', 's06', 's07', 's08', 's09']);
    });

    it('filters by language, preferring the detected language over the source tag', async () => {
      const page = await repos.mentions.query(issueId, {
        from: '2026-03-03T00:00:00.000Z',
        to: '2026-03-04T00:00:00.000Z',
        lang: 'en',
        limit: 100,
        order: 'asc',
      });
      // Scored mentions (first 50) were detected as 'id'; only unscored 'en' ones remain.
      const expected = ms.filter((m, i) => i >= 50 && m.lang === 'en').map((m) => m.sourceId);
      expect(page.items.map((m) => m.sourceId)).toEqual(expected);
      expect(page.nextCursor).toBeUndefined();
    });

    it('rejects a forged, foreign or other-issue cursor', async () => {
      // Prepare
      const q = {
        from: '2026-03-03T00:00:00.000Z',
        to: '2026-03-04T00:00:00.000Z',
        limit: 5,
        order: 'asc' as const,
      };
      const first = await repos.mentions.query(issueId, q);
      const cursor = first.nextCursor as string;
      expect(cursor).toBeTypeOf('string');
      const [body = '', sig = ''] = cursor.split('.');
      const decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      const forgedBody = Buffer.from(
        JSON.stringify({ ...decoded, sk: 'M#2026-03-03T00:30:00.000Z' }),
        'utf8',
      ).toString('base64url');
      const otherSecret = createRepositories({
        doc: table.doc,
        tableName: table.tableName,
        cursorSecret: 'another-secret',
      });

      // Act + Assess
      await expect(
        repos.mentions.query(issueId, { ...q, cursor: `${forgedBody}.${sig}` }),
      ).rejects.toThrow(new ValidationError('Invalid cursor'));
      await expect(repos.mentions.query('other', { ...q, cursor })).rejects.toBeInstanceOf(
        ValidationError,
      );
      await expect(
        repos.mentions.query(issueId, { ...q, order: 'desc', cursor }),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(otherSecret.mentions.query(issueId, { ...q, cursor })).rejects.toBeInstanceOf(
        ValidationError,
      );
      await expect(
        repos.mentions.query(issueId, { ...q, cursor: 'garbage' }),
      ).rejects.toBeInstanceOf(ValidationError);
      const second = await repos.mentions.query(issueId, { ...q, cursor });
      expect(second.items[0]?.sourceId).toBe('s05');
    });

    it('rejects bad parameters with a ValidationError', async () => {
      const q = {
        from: '2026-03-03T00:00:00.000Z',
        to: '2026-03-04T00:00:00.000Z',
        limit: 5,
        order: 'asc' as const,
      };
      for (const bad of [
        { ...q, limit: 0 },
        { ...q, limit: 1.5 },
        { ...q, from: 'kemarin' },
        { ...q, from: q.to, to: q.from },
        { ...q, sentiment: 'ANGRY' as SentimentLabel },
        { ...q, lang: 'Indonesian' },
      ]) {
        await expect(repos.mentions.query(issueId, bad)).rejects.toBeInstanceOf(ValidationError);
      }
    });
  });

  describe('correct', () => {
    async function countsAt(issueId: string, m: Mention) {
      const out: Record<string, Counts> = {};
      for (const width of BUCKET_WIDTHS) {
        const start = expectedStart(m.createdAt, width);
        const all = await actualBuckets(repos, issueId, width);
        out[width] = all.get(start) as Counts;
      }
      return out;
    }

    it('moves the bucket counts from the old label to the new one in every width', async () => {
      // Prepare
      const a = mention({ issueId: 'corr', sourceId: 'c1' });
      const b = mention({ issueId: 'corr', sourceId: 'c2' });
      await repos.mentions.putNew(a);
      await repos.mentions.putNew(b);
      await repos.mentions.recordScores([scoreWrite(a, 'NEGATIVE'), scoreWrite(b, 'NEGATIVE')]);

      // Act
      const result = await repos.mentions.correct(
        a,
        'POSITIVE',
        'humas-1',
        '2026-03-01T10:00:00.000Z',
      );

      // Assess
      expect(result).toEqual({ previous: 'NEGATIVE' });
      for (const c of Object.values(await countsAt('corr', a))) {
        expect(c).toMatchObject({ total: 2, negative: 1, positive: 1 });
      }
      const stored = await repos.mentions.get(a.id);
      expect(stored?.sentiment).toEqual({
        label: 'POSITIVE',
        engine: 'correction',
        model: 'official',
        scores: { POSITIVE: 1, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0 },
        scoredAt: '2026-03-01T10:00:00.000Z',
      });
      const raw = await table.doc.send(
        new GetCommand({
          TableName: table.tableName,
          Key: mentionKey('corr', a.createdAt, a.source, a.sourceId),
        }),
      );
      expect(raw.Item?.modelLabel).toBe('NEGATIVE');

      // A second correction moves from the corrected label and keeps the model's label.
      const again = await repos.mentions.correct(
        a,
        'NEUTRAL',
        'humas-2',
        '2026-03-01T11:00:00.000Z',
      );
      expect(again).toEqual({ previous: 'POSITIVE' });
      for (const c of Object.values(await countsAt('corr', a))) {
        expect(c).toMatchObject({ total: 2, negative: 1, positive: 0, neutral: 1 });
      }
      const raw2 = await table.doc.send(
        new GetCommand({
          TableName: table.tableName,
          Key: mentionKey('corr', a.createdAt, a.source, a.sourceId),
        }),
      );
      expect(raw2.Item?.modelLabel).toBe('NEGATIVE');

      const corrections = await repos.mentions.listCorrections();
      expect(corrections).toContainEqual({
        text: a.text,
        label: 'NEUTRAL',
        by: 'humas-2',
        at: '2026-03-01T11:00:00.000Z',
      });
    });

    it('counts an unscored mention once when corrected, and a later score is skipped', async () => {
      // Prepare
      const m = mention({ issueId: 'corr2', sourceId: 'u1' });
      await repos.mentions.putNew(m);

      // Act
      const result = await repos.mentions.correct(
        m,
        'MIXED',
        'humas-1',
        '2026-03-01T10:00:00.000Z',
      );
      const late = await repos.mentions.recordScores([scoreWrite(m, 'NEGATIVE')]);

      // Assess
      expect(result).toEqual({ previous: undefined });
      expect(late).toEqual({ applied: 0, alreadyScored: 1 });
      for (const c of Object.values(await countsAt('corr2', m))) {
        expect(c).toEqual({
          total: 1,
          positive: 0,
          negative: 0,
          neutral: 0,
          mixed: 1,
          engagement: 10,
        });
      }
      expect((await repos.mentions.get(m.id))?.sentiment?.label).toBe('MIXED');
    });

    it("refuses another tenant's or a missing mention with NotFoundError", async () => {
      const m = mention({ issueId: 'corr3', sourceId: 'x1' });
      await repos.mentions.putNew(m);
      await expect(
        repos.mentions.correct(
          { ...m, tenantId: 'lain' },
          'POSITIVE',
          'x',
          '2026-03-01T10:00:00.000Z',
        ),
      ).rejects.toBeInstanceOf(NotFoundError);
      const missing = mention({ issueId: 'corr3', sourceId: 'x2' });
      await expect(
        repos.mentions.correct(missing, 'POSITIVE', 'x', '2026-03-01T10:00:00.000Z'),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect((await repos.mentions.get(m.id))?.sentiment).toBeUndefined();
    });
  });
});
