import { describe, expect, it } from 'vitest';
import type {
  ScoreWrite,
  ScoreWriteResult,
  SentimentAnalyzer,
  SentimentInput,
} from '../../../lib/domain/ports.ts';
import type { Mention } from '../../../lib/domain/types.ts';
import { createScoreUseCase, mentionFromImage, scoringText } from '../../../lib/pipeline/score.ts';

const item = (over: Record<string, unknown> = {}) => ({
  pk: 'ISSUE#i1',
  sk: 'M#2026-11-29T01:00:00.000Z#x#1',
  entityType: 'mention',
  tenantId: 't1',
  issueId: 'i1',
  id: 'm1',
  source: 'x',
  sourceId: '1',
  url: 'https://x.com/a/status/1',
  author: { handle: 'a' },
  text: 'harga beras naik lagi',
  createdAt: '2026-11-29T01:00:00.000Z',
  lang: 'id',
  engagement: { likes: 2 },
  ...over,
});

describe('mentionFromImage', () => {
  it('maps a stored mention image to a Mention', () => {
    const m = mentionFromImage(item());
    expect(m).toMatchObject({ tenantId: 't1', issueId: 'i1', source: 'x', lang: 'id' });
    expect(m.sentiment).toBeUndefined();
  });

  it.each([
    ['no tenant', { tenantId: undefined }],
    ['a bad date', { createdAt: 'yesterday' }],
    ['a local time', { createdAt: '2026-11-29T08:00:00+07:00' }],
    ['an unknown source', { source: 'friendster' }],
    ['no text', { text: 42 }],
  ])('rejects an image with %s as a poison record', (_name, over) => {
    expect(() => mentionFromImage(item(over))).toThrow(/Mention item/);
  });
});

describe('scoringText', () => {
  it('puts a news title before its summary once', () => {
    expect(scoringText({ title: 'Harga naik', text: 'Harga beras naik 10%' })).toBe(
      'Harga naik. Harga beras naik 10%',
    );
    expect(scoringText({ title: 'Harga naik', text: 'Harga naik: rinciannya' })).toBe(
      'Harga naik: rinciannya',
    );
  });
});

describe('createScoreUseCase', () => {
  function analyzerSpy(): SentimentAnalyzer & { seen: SentimentInput[] } {
    const seen: SentimentInput[] = [];
    return {
      seen,
      async analyze(inputs) {
        seen.push(...inputs);
        return inputs.map((i) => ({
          id: i.id,
          lang: 'id',
          sentiment: {
            label: i.text.includes('naik') ? 'NEGATIVE' : 'NEUTRAL',
            scores: { POSITIVE: 0, NEGATIVE: 1, NEUTRAL: 0, MIXED: 0 },
            engine: 'builtin',
            model: 'test',
            scoredAt: '2026-11-29T01:00:01.000Z',
          },
        }));
      },
    };
  }

  it('scores only unscored mentions and writes each with its own result', async () => {
    // Prepare
    const analyzer = analyzerSpy();
    const written: ScoreWrite[] = [];
    const mentions = {
      async recordScores(writes: ScoreWrite[]): Promise<ScoreWriteResult> {
        written.push(...writes);
        return { applied: writes.length, alreadyScored: 0 };
      },
    };
    const fresh = mentionFromImage(item());
    const other = mentionFromImage(item({ id: 'm2', text: 'info banjir' }));
    const scored: Mention = {
      ...mentionFromImage(item({ id: 'm3' })),
      sentiment: {
        label: 'POSITIVE',
        scores: { POSITIVE: 1, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0 },
        engine: 'builtin',
        model: 'old',
        scoredAt: '2026-11-29T00:00:00.000Z',
      },
    };

    // Act
    const result = await createScoreUseCase({ mentions, analyzer }).scoreMentions([
      fresh,
      scored,
      other,
    ]);

    // Assess
    expect(analyzer.seen.map((s) => s.id)).toEqual(['m1', 'm2']);
    expect(written.map((w) => [w.mention.id, w.sentiment.label])).toEqual([
      ['m1', 'NEGATIVE'],
      ['m2', 'NEUTRAL'],
    ]);
    expect(result).toEqual({ applied: 2, alreadyScored: 1 });
  });

  it('fails the batch when the analyzer loses a mention, so nothing is half-written', async () => {
    const analyzer: SentimentAnalyzer = { analyze: async () => [] };
    let calls = 0;
    const mentions = {
      async recordScores(): Promise<ScoreWriteResult> {
        calls += 1;
        return { applied: 0, alreadyScored: 0 };
      },
    };
    await expect(
      createScoreUseCase({ mentions, analyzer }).scoreMentions([mentionFromImage(item())]),
    ).rejects.toThrow(/no result/);
    expect(calls).toBe(0);
  });
});
