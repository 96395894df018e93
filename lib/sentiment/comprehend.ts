/**
 * Amazon Comprehend BatchDetectSentiment for the languages it supports. Batches of at most 25
 * documents, each cut to 5,000 UTF-8 bytes on a code-point boundary. Throttling is retried with
 * backoff; a per-document error falls back to the built-in model for that document (the stored
 * engine says so), and a batch that still fails after the retries is rethrown so the stream
 * retries it rather than storing a guess.
 */
import {
  BatchDetectSentimentCommand,
  type BatchDetectSentimentCommandOutput,
  type ComprehendClient,
  type LanguageCode,
} from '@aws-sdk/client-comprehend';
import type { SentimentInput, SentimentOutput } from '../domain/ports.ts';
import type { Sentiment, SentimentLabel } from '../domain/types.ts';

const MAX_BATCH = 25;
const MAX_DOC_BYTES = 5000;
/** Languages BatchDetectSentiment accepts (normalised primary codes). */
const COMPREHEND_SENTIMENT_LANGS: ReadonlySet<string> = new Set([
  'en',
  'es',
  'fr',
  'de',
  'it',
  'pt',
  'ar',
  'hi',
  'ja',
  'ko',
  'zh',
]);
const COMPREHEND_MODEL = 'comprehend-2017-11-27';
const RETRYABLE = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'InternalServerException',
  'ServiceUnavailableException',
]);

/** Regions that offer Amazon Comprehend (AWS endpoints table). Jakarta (ap-southeast-3) does not. */
const COMPREHEND_REGIONS: ReadonlySet<string> = new Set([
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'us-gov-west-1',
]);

function comprehendAvailableIn(region: string): boolean {
  return COMPREHEND_REGIONS.has(region.trim().toLowerCase());
}

/**
 * The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, never splitting a code
 * point or a surrogate pair. A lone surrogate counts as the 3 bytes of U+FFFD it encodes to.
 */
function truncateUtf8(text: string, maxBytes: number = MAX_DOC_BYTES): string {
  // Fast path: even at 3 bytes per UTF-16 unit the text fits.
  if (text.length * 3 <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += ch.length;
  }
  return text.slice(0, end);
}

interface ComprehendOptions {
  client: ComprehendClient;
  /** Called for documents Comprehend could not score; scores them another way. */
  fallback: (inputs: SentimentInput[]) => Promise<SentimentOutput[]>;
  maxAttempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface LangInput extends SentimentInput {
  /** Detected, normalised language: must be in COMPREHEND_SENTIMENT_LANGS. */
  lang: string;
}

function errorName(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; Code?: unknown };
    if (typeof e.name === 'string') return e.name;
  }
  return '';
}

function toSentiment(
  item: NonNullable<BatchDetectSentimentCommandOutput['ResultList']>[number],
  scoredAt: string,
): Sentiment | undefined {
  const label = item.Sentiment as SentimentLabel | undefined;
  const s = item.SentimentScore;
  if (!label || !s) return undefined;
  return {
    label,
    scores: {
      POSITIVE: s.Positive ?? 0,
      NEGATIVE: s.Negative ?? 0,
      NEUTRAL: s.Neutral ?? 0,
      MIXED: s.Mixed ?? 0,
    },
    engine: 'comprehend',
    model: COMPREHEND_MODEL,
    scoredAt,
  };
}

function createComprehendAnalyzer(opts: ComprehendOptions) {
  const maxAttempts = opts.maxAttempts ?? 5;
  const baseDelay = opts.baseDelayMs ?? 200;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  async function send(lang: string, texts: string[]): Promise<BatchDetectSentimentCommandOutput> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await opts.client.send(
          new BatchDetectSentimentCommand({ LanguageCode: lang as LanguageCode, TextList: texts }),
        );
      } catch (err) {
        if (!RETRYABLE.has(errorName(err)) || attempt >= maxAttempts) throw err;
        // Full jitter keeps parallel Lambdas from retrying in lockstep.
        await sleep(Math.random() * baseDelay * 2 ** (attempt - 1));
      }
    }
  }

  async function analyzeBatch(lang: string, batch: LangInput[]): Promise<SentimentOutput[]> {
    const out = await send(
      lang,
      batch.map((b) => truncateUtf8(b.text)),
    );
    const scoredAt = new Date().toISOString();
    const results: (SentimentOutput | undefined)[] = new Array(batch.length);
    for (const item of out.ResultList ?? []) {
      const i = item.Index;
      if (i === undefined || i < 0 || i >= batch.length) continue;
      const sentiment = toSentiment(item, scoredAt);
      const input = batch[i] as LangInput;
      if (sentiment) results[i] = { id: input.id, lang, sentiment };
    }
    // Documents in ErrorList (or missing from both lists) are scored by the fallback engine.
    const failed = batch.filter((_, i) => results[i] === undefined);
    if (failed.length > 0) {
      const fallback = new Map((await opts.fallback(failed)).map((o) => [o.id, o]));
      batch.forEach((b, i) => {
        if (results[i] === undefined) {
          const f = fallback.get(b.id);
          if (!f) throw new Error(`Fallback returned no result for ${b.id}`);
          results[i] = { ...f, lang };
        }
      });
    }
    return results as SentimentOutput[];
  }

  async function analyze(inputs: LangInput[]): Promise<SentimentOutput[]> {
    const byLang = new Map<string, LangInput[]>();
    for (const input of inputs) {
      const list = byLang.get(input.lang) ?? [];
      list.push(input);
      byLang.set(input.lang, list);
    }
    const outputs: SentimentOutput[] = [];
    for (const [lang, list] of byLang) {
      for (let i = 0; i < list.length; i += MAX_BATCH) {
        outputs.push(...(await analyzeBatch(lang, list.slice(i, i + MAX_BATCH))));
      }
    }
    return outputs;
  }

  return { analyze };
}

export type { ComprehendOptions };
export {
  COMPREHEND_MODEL,
  COMPREHEND_REGIONS,
  COMPREHEND_SENTIMENT_LANGS,
  comprehendAvailableIn,
  createComprehendAnalyzer,
  MAX_BATCH,
  MAX_DOC_BYTES,
  truncateUtf8,
};
