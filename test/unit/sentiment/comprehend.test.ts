import { BatchDetectSentimentCommand, ComprehendClient } from '@aws-sdk/client-comprehend';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SentimentInput, SentimentOutput } from '../../../lib/domain/ports.ts';
import {
  COMPREHEND_MODEL,
  createComprehendAnalyzer,
  MAX_BATCH,
  MAX_DOC_BYTES,
  truncateUtf8,
} from '../../../lib/sentiment/comprehend.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('truncateUtf8', () => {
  it('leaves text within the limit untouched', () => {
    expect(truncateUtf8('halo dunia', 10)).toBe('halo dunia');
  });

  it('cuts ASCII at exactly the byte limit', () => {
    expect(truncateUtf8('a'.repeat(6000))).toHaveLength(MAX_DOC_BYTES);
  });

  it('never splits a multi-byte character', () => {
    // 'é' is 2 bytes: 5 bytes allow two of them, not two and a half.
    expect(truncateUtf8('ééé', 5)).toBe('éé');
  });

  it('never splits a surrogate pair', () => {
    // '😡' is 4 bytes (two UTF-16 units): 7 bytes allow one and a byte-sized 'a'... but no half emoji.
    expect(truncateUtf8('😡😡a', 7)).toBe('😡');
    expect(truncateUtf8('a😡', 4)).toBe('a');
  });

  it('keeps every prefix within the limit and as long as possible (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 400 }),
        fc.integer({ min: 0, max: 600 }),
        (s, limit) => {
          const t = truncateUtf8(s, limit);
          expect(s.startsWith(t)).toBe(true);
          expect(bytes(t)).toBeLessThanOrEqual(limit);
          // No lone high surrogate at the end.
          const last = t.charCodeAt(t.length - 1);
          expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
          if (t.length < s.length) {
            const next = String.fromCodePoint(s.codePointAt(t.length) as number);
            expect(bytes(t) + bytes(next)).toBeGreaterThan(limit);
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});

const comprehendMock = mockClient(ComprehendClient);

function fakeFallback(calls: SentimentInput[][]) {
  return async (inputs: SentimentInput[]): Promise<SentimentOutput[]> => {
    calls.push(inputs);
    return inputs.map((i) => ({
      id: i.id,
      lang: 'und',
      sentiment: {
        label: 'NEUTRAL',
        scores: { POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 1, MIXED: 0 },
        engine: 'builtin',
        model: 'test-fallback',
        scoredAt: '2026-01-01T00:00:00.000Z',
      },
    }));
  };
}

/** Answers like Comprehend: one result per document, label from the text's first word. */
function echoComprehend() {
  comprehendMock.on(BatchDetectSentimentCommand).callsFake((input: { TextList: string[] }) => ({
    ResultList: input.TextList.map((t, Index) => ({
      Index,
      Sentiment: t.startsWith('good') ? 'POSITIVE' : 'NEGATIVE',
      SentimentScore: t.startsWith('good')
        ? { Positive: 0.9, Negative: 0.05, Neutral: 0.04, Mixed: 0.01 }
        : { Positive: 0.05, Negative: 0.9, Neutral: 0.04, Mixed: 0.01 },
    })),
    ErrorList: [],
  }));
}

const noSleep = async () => {};

describe('createComprehendAnalyzer', () => {
  beforeEach(() => {
    comprehendMock.reset();
  });

  it('sends at most 25 documents per call, grouped by language, and keeps every result', async () => {
    echoComprehend();
    const fallbackCalls: SentimentInput[][] = [];
    const analyzer = createComprehendAnalyzer({
      client: new ComprehendClient({ region: 'us-east-1' }),
      fallback: fakeFallback(fallbackCalls),
      sleep: noSleep,
    });
    const inputs = [
      ...Array.from({ length: 60 }, (_, i) => ({
        id: `en${i}`,
        text: i % 2 ? 'good day' : 'bad day',
        lang: 'en',
      })),
      ...Array.from({ length: 3 }, (_, i) => ({ id: `de${i}`, text: 'good tag', lang: 'de' })),
    ];
    const out = await analyzer.analyze(inputs);

    const calls = comprehendMock.commandCalls(BatchDetectSentimentCommand);
    expect(
      calls.map((c) => [c.args[0].input.LanguageCode, c.args[0].input.TextList?.length]),
    ).toEqual([
      ['en', 25],
      ['en', 25],
      ['en', 10],
      ['de', 3],
    ]);
    expect(out).toHaveLength(63);
    const byId = new Map(out.map((o) => [o.id, o]));
    expect(byId.get('en1')?.sentiment.label).toBe('POSITIVE');
    expect(byId.get('en2')?.sentiment.label).toBe('NEGATIVE');
    expect(byId.get('de0')?.lang).toBe('de');
    expect(byId.get('en1')?.sentiment).toMatchObject({
      engine: 'comprehend',
      model: COMPREHEND_MODEL,
      scores: { POSITIVE: 0.9, NEGATIVE: 0.05, NEUTRAL: 0.04, MIXED: 0.01 },
    });
    expect(fallbackCalls).toHaveLength(0);
    expect(MAX_BATCH).toBe(25);
  });

  it('cuts each document to 5,000 UTF-8 bytes before sending', async () => {
    echoComprehend();
    const analyzer = createComprehendAnalyzer({
      client: new ComprehendClient({ region: 'us-east-1' }),
      fallback: fakeFallback([]),
      sleep: noSleep,
    });
    const long = `good ${'😡'.repeat(3000)}`;
    await analyzer.analyze([{ id: 'a', text: long, lang: 'en' }]);
    const sent =
      comprehendMock.commandCalls(BatchDetectSentimentCommand)[0]?.args[0].input.TextList?.[0] ??
      '';
    expect(bytes(sent)).toBeLessThanOrEqual(MAX_DOC_BYTES);
    expect(bytes(sent)).toBeGreaterThan(MAX_DOC_BYTES - 4);
    expect(long.startsWith(sent)).toBe(true);
  });

  it('scores documents in ErrorList (or missing from the answer) with the fallback engine', async () => {
    comprehendMock.on(BatchDetectSentimentCommand).resolves({
      ResultList: [
        {
          Index: 0,
          Sentiment: 'POSITIVE',
          SentimentScore: { Positive: 0.9, Negative: 0.05, Neutral: 0.04, Mixed: 0.01 },
        },
      ],
      ErrorList: [{ Index: 1, ErrorCode: 'INTERNAL_SERVER_ERROR', ErrorMessage: 'boom' }],
    });
    const fallbackCalls: SentimentInput[][] = [];
    const analyzer = createComprehendAnalyzer({
      client: new ComprehendClient({ region: 'us-east-1' }),
      fallback: fakeFallback(fallbackCalls),
      sleep: noSleep,
    });
    const out = await analyzer.analyze([
      { id: 'ok', text: 'good', lang: 'en' },
      { id: 'err', text: 'x', lang: 'en' },
      { id: 'missing', text: 'y', lang: 'en' },
    ]);
    expect(out.map((o) => [o.id, o.sentiment.engine, o.lang])).toEqual([
      ['ok', 'comprehend', 'en'],
      ['err', 'builtin', 'en'],
      ['missing', 'builtin', 'en'],
    ]);
    expect(fallbackCalls.map((c) => c.map((i) => i.id))).toEqual([['err', 'missing']]);
  });

  it('retries throttling with backoff and then succeeds', async () => {
    const throttle = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    comprehendMock
      .on(BatchDetectSentimentCommand)
      .rejectsOnce(throttle)
      .rejectsOnce(throttle)
      .resolves({
        ResultList: [
          {
            Index: 0,
            Sentiment: 'NEUTRAL',
            SentimentScore: { Positive: 0, Negative: 0, Neutral: 1, Mixed: 0 },
          },
        ],
        ErrorList: [],
      });
    const delays: number[] = [];
    const analyzer = createComprehendAnalyzer({
      client: new ComprehendClient({ region: 'us-east-1' }),
      fallback: fakeFallback([]),
      sleep: async (ms) => {
        delays.push(ms);
      },
      baseDelayMs: 100,
    });
    const out = await analyzer.analyze([{ id: 'a', text: 'meh', lang: 'en' }]);
    expect(out[0]?.sentiment.label).toBe('NEUTRAL');
    expect(comprehendMock.commandCalls(BatchDetectSentimentCommand)).toHaveLength(3);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[1]).toBeLessThanOrEqual(200);
  });

  it('rethrows throttling once the attempts are used up, so the batch is retried, not guessed', async () => {
    const throttle = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    comprehendMock.on(BatchDetectSentimentCommand).rejects(throttle);
    const analyzer = createComprehendAnalyzer({
      client: new ComprehendClient({ region: 'us-east-1' }),
      fallback: fakeFallback([]),
      sleep: noSleep,
      maxAttempts: 3,
    });
    await expect(analyzer.analyze([{ id: 'a', text: 'x', lang: 'en' }])).rejects.toThrow(
      'Rate exceeded',
    );
    expect(comprehendMock.commandCalls(BatchDetectSentimentCommand)).toHaveLength(3);
  });

  it('does not retry errors that retrying cannot fix', async () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    comprehendMock.on(BatchDetectSentimentCommand).rejects(denied);
    const analyzer = createComprehendAnalyzer({
      client: new ComprehendClient({ region: 'us-east-1' }),
      fallback: fakeFallback([]),
      sleep: noSleep,
    });
    await expect(analyzer.analyze([{ id: 'a', text: 'x', lang: 'en' }])).rejects.toThrow(
      'not authorized',
    );
    expect(comprehendMock.commandCalls(BatchDetectSentimentCommand)).toHaveLength(1);
  });
});
