/**
 * The one schema source of the API: these zod schemas validate requests, give the route code
 * its types and generate the OpenAPI document (lib/api/openapi.ts). Response schemas describe
 * what the routes send and are checked against real responses by the contract tests.
 */
import { z } from 'zod';
import {
  ALERT_LEVELS,
  type AlertLevel,
  CORRECTION_ORIGINS,
  type CorrectionOrigin,
  SENTIMENT_LABELS,
  type SentimentLabel,
  SOURCE_NAMES,
  type SourceName,
} from '../domain/types.ts';
import { SCOPES } from './types.ts';

// ---------------------------------------------------------------- building blocks

const sourceName = z.enum(SOURCE_NAMES as unknown as [SourceName, ...SourceName[]]);
const sentimentLabel = z.enum(SENTIMENT_LABELS as unknown as [SentimentLabel, ...SentimentLabel[]]);
const alertLevel = z.enum(ALERT_LEVELS as unknown as [AlertLevel, ...AlertLevel[]]);
const scope = z.enum(SCOPES);
const correctionOrigin = z.enum(
  CORRECTION_ORIGINS as unknown as [CorrectionOrigin, ...CorrectionOrigin[]],
);

/** Ids we mint: short, URL-safe, so they are safe inside keys and paths. */
const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ -');
/** Mention and alert ids encode their issue and sort key, so they are longer. */
const longId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,1400}$/, 'must be a base64url id of at most 1400 characters');

const isoInstant = z
  .string()
  .max(40)
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(s),
    {
      message: 'must be an ISO-8601 date or date-time with a zone, e.g. 2026-11-29T08:00:00Z',
    },
  )
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'is not a real date' })
  .transform((s) => new Date(s).toISOString());

const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');

const opaqueCursor = z
  .string()
  .regex(/^[A-Za-z0-9_.~-]{1,4096}$/, 'must be a nextCursor value returned by a previous page');

/** Names and notes end up in SMS, email and logs: tabs and newlines are fine, other C0 codes are not. */
function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

const freeText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !hasControlCharacter(s), {
      message: 'must not contain control characters',
    });

// ---------------------------------------------------------------- path parameters

const issuePath = z.object({ issueId: id });
const subscriberPath = z.object({ issueId: id, subscriberId: id });
const alertPath = z.object({ alertId: longId });
const mentionPath = z.object({ mentionId: longId });
const tenantPath = z.object({ tenantId: id });
const tokenPath = z.object({ tenantId: id, tokenId: id });

// ---------------------------------------------------------------- request bodies

const detectorParams = z.strictObject({
  windowMinutes: z.number().int().min(5).max(1440).optional(),
  minNegative: z.number().int().min(1).max(1_000_000).optional(),
  cooldownMinutes: z.number().int().min(0).max(10_080).optional(),
  waspadaZ: z.number().min(0.5).max(100).optional(),
  siagaZ: z.number().min(0.5).max(100).optional(),
  awasZ: z.number().min(0.5).max(100).optional(),
  alpha: z.number().gt(0).lt(1).optional(),
  minNegativeShare: z.number().min(0).max(1).optional(),
  resolveAfterWindows: z.number().int().min(1).max(1000).optional(),
});

const languageCode = z.string().regex(/^[a-z]{2,3}$/, 'must be a 2-3 letter language code');

const issueCreateBody = z.strictObject({
  name: freeText(200).pipe(z.string().trim().min(1, 'must not be empty')),
  query: z.string().min(1).max(2000),
  sources: z.array(sourceName).max(SOURCE_NAMES.length).optional(),
  languages: z.array(languageCode).max(20).optional(),
  status: z.enum(['active', 'paused']).optional(),
  detector: detectorParams.optional(),
});

const issuePatchBody = issueCreateBody
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'must change at least one field' });

const noteBody = z.strictObject({ note: freeText(1000).optional() });

const E164 = /^\+[1-9]\d{7,14}$/;

const subscriberBody = z
  .strictObject({
    channel: z.enum(['sms', 'email']),
    address: z.string().max(254),
    minLevel: alertLevel.default('WASPADA'),
    lang: z.enum(['id', 'en']).default('id'),
  })
  .superRefine((b, ctx) => {
    if (b.channel === 'sms' && !E164.test(b.address)) {
      ctx.addIssue({
        code: 'custom',
        path: ['address'],
        message: 'must be a phone number in E.164 form, e.g. +6281234567890',
      });
    }
    if (b.channel === 'email' && !z.email().safeParse(b.address).success) {
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'must be an email address' });
    }
  });

const sentimentCorrectionBody = z.strictObject({
  label: sentimentLabel,
  origin: correctionOrigin
    .default('manual')
    .describe(
      'Where the official answered: a mention list (manual), the random-sample review queue ' +
        '(review-sample, the unbiased measure of the model) or the least-certain queue',
    ),
});

const tenantCreateBody = z.strictObject({
  id,
  name: freeText(200).pipe(z.string().trim().min(1, 'must not be empty')),
});

const tokenCreateBody = z.strictObject({
  scopes: z.array(scope).min(1).max(3),
  name: freeText(100).optional(),
  expiresAt: isoInstant.optional(),
});

// ---------------------------------------------------------------- query strings

const mentionsQuery = z.strictObject({
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  sentiment: sentimentLabel.optional(),
  source: sourceName.optional(),
  lang: languageCode.optional(),
  minEngagement: intParam(0, 1_000_000_000).optional(),
  contains: z.string().min(1).max(200).optional(),
  sort: z.enum(['newest', 'oldest', 'engagement']).default('newest'),
  limit: intParam(1, 200).default(50),
  cursor: opaqueCursor.optional(),
});

const statsQuery = z.strictObject({
  interval: z.enum(['5m', '1h', '1d']).default('1h'),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  breakdown: boolParam.default(false),
});

const limitQuery = z.strictObject({ limit: intParam(1, 200).default(50) });

const alertsQuery = z.strictObject({
  status: z.enum(['open', 'acknowledged', 'resolved']).optional(),
  limit: intParam(1, 200).default(50),
});

const emptyQuery = z.strictObject({});

const reviewQuery = z.strictObject({
  mode: z.enum(['sample', 'uncertain']).default('sample'),
  limit: intParam(1, 50).default(10),
  hours: intParam(1, 168).default(72),
});

const qualityQuery = z.strictObject({
  from: isoInstant.optional(),
  to: isoInstant.optional(),
});

// ---------------------------------------------------------------- response bodies

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

const issue = z.object({
  tenantId: z.string(),
  id: z.string(),
  name: z.string(),
  query: z.string(),
  sources: z.array(sourceName),
  languages: z.array(z.string()),
  status: z.enum(['active', 'paused']),
  detector: z.record(z.string(), z.number()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const sentiment = z.object({
  label: sentimentLabel,
  scores: z.record(z.string(), z.number()),
  engine: z.string(),
  model: z.string(),
  scoredAt: z.string(),
});

const mention = z.object({
  id: z.string(),
  tenantId: z.string(),
  issueId: z.string(),
  source: sourceName,
  sourceId: z.string(),
  url: z.string(),
  author: z.object({
    id: z.string().optional(),
    handle: z.string().optional(),
    name: z.string().optional(),
    followers: z.number().optional(),
  }),
  text: z.string(),
  title: z.string().optional(),
  createdAt: z.string(),
  collectedAt: z.string(),
  lang: z.string(),
  detectedLang: z.string().optional(),
  engagement: z.object({
    likes: z.number().optional(),
    reposts: z.number().optional(),
    replies: z.number().optional(),
    quotes: z.number().optional(),
    views: z.number().optional(),
  }),
  replyTo: z.string().optional(),
  quoteOf: z.string().optional(),
  sentiment: sentiment.optional(),
});

const counts = {
  total: z.number(),
  positive: z.number(),
  negative: z.number(),
  neutral: z.number(),
  mixed: z.number(),
  engagement: z.number(),
};

const stats = z.object({
  issueId: z.string(),
  interval: z.enum(['5m', '1h', '1d']),
  from: z.string(),
  to: z.string(),
  series: z.array(z.object({ start: z.string(), ...counts })),
  totals: z.object(counts),
  breakdown: z
    .object({
      sampled: z.number(),
      complete: z.boolean(),
      bySource: z.array(z.object({ source: z.string(), count: z.number(), share: z.number() })),
      topAuthors: z.array(z.object({ author: z.string(), count: z.number() })),
      topHashtags: z.array(z.object({ hashtag: z.string(), count: z.number() })),
    })
    .optional(),
});

const alert = z.object({
  tenantId: z.string(),
  issueId: z.string(),
  issueName: z.string(),
  id: z.string(),
  episodeStart: z.string(),
  level: alertLevel,
  state: z.enum(['raised', 'escalated']),
  raisedAt: z.string(),
  status: z.enum(['open', 'acknowledged', 'resolved']),
  /** Languages already sent when a notification was only partly delivered. */
  deliveredParts: z.array(z.string()).optional(),
  evidence: z.object({
    windowStart: z.string(),
    windowEnd: z.string(),
    negative: z.number(),
    total: z.number(),
    baseline: z.number(),
    deviation: z.number(),
    ratio: z.number(),
    negativeShare: z.number(),
    trend: z.array(z.number()),
    topMentions: z.array(
      z.object({
        id: z.string(),
        url: z.string(),
        text: z.string(),
        author: z.string().optional(),
        engagement: z.number(),
      }),
    ),
    reason: z.string(),
  }),
  notifiedAt: z.string().optional(),
  acknowledgedAt: z.string().optional(),
  acknowledgedBy: z.string().optional(),
  resolvedAt: z.string().optional(),
  resolvedBy: z.string().optional(),
  note: z.string().optional(),
});

const subscriber = z.object({
  tenantId: z.string(),
  issueId: z.string(),
  id: z.string(),
  channel: z.enum(['sms', 'email']),
  address: z.string(),
  minLevel: alertLevel,
  lang: z.enum(['id', 'en']),
  createdAt: z.string(),
  /** `pending`: an email that still needs its confirmation link (AWS only). */
  confirmation: z.enum(['not-needed', 'pending', 'confirmed']),
  confirmedAt: z.string().optional(),
});

const subscriberConfirmBody = z.strictObject({
  confirmation: z.string().min(1).max(4096),
});

const sourceStatus = z.object({
  source: sourceName,
  status: z.enum(['ok', 'rate-limited', 'quota-exhausted', 'auth-failed', 'error']),
  lastRunAt: z.string(),
  until: z.string().optional(),
  lastError: z.string().optional(),
  postsSeen: z.number().describe('Posts seen by the last run, over every shard that reported'),
  mentionsWritten: z.number().describe('Mentions stored by the last run, over every shard'),
  runId: z.string().optional().describe('The collect run the counts belong to'),
  shards: z.number().optional().describe('Shards of the run that reported so far'),
  shardsPlanned: z
    .number()
    .optional()
    .describe('Shards the run was split into; more than `shards` means a partial run'),
  expectedEveryMinutes: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("The collector's schedule interval in minutes, as its last run recorded it"),
  overdue: z
    .boolean()
    .describe(
      'The source has not run for longer than two schedule intervals plus the collector ' +
        'timeout (5 min) after `lastRunAt`, or after `until` when a stop ended later. ' +
        'Never true when the interval is unknown. Computed at read time.',
    ),
  overdueSince: z.string().optional().describe('When the source became overdue; only if `overdue`'),
  run: z
    .enum(['complete', 'running', 'incomplete'])
    .optional()
    .describe(
      'For a run that records its shards: `complete` when every planned shard reported; else ' +
        '`running` while one may still report (the run horizon of one interval plus the ' +
        'collector timeout), `incomplete` after',
    ),
});

const tenant = z.object({ id: z.string(), name: z.string(), createdAt: z.string() });

const tokenInfo = z.object({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
  revokedAt: z.string().optional(),
});

const issuedToken = tokenInfo.extend({
  token: z.string().describe('The secret bearer token. Shown once; only its SHA-256 is stored.'),
});

const correctionResult = z.object({
  id: z.string(),
  label: sentimentLabel,
  previous: sentimentLabel.optional(),
  origin: correctionOrigin,
});

const reviewPage = z.object({
  mode: z.enum(['sample', 'uncertain']),
  from: z.string(),
  to: z.string(),
  examined: z.number().describe('Mentions of the window read (the newest, at most 2,000)'),
  remaining: z
    .number()
    .describe('Model-scored mentions among those examined, the returned ones included'),
  items: z.array(mention),
});

const agreement = z.object({
  n: z.number(),
  agreement: z
    .number()
    .nullable()
    .describe("Share where the official kept the model's label; null when n is 0"),
});

const sentimentQuality = z.object({
  issueId: z.string(),
  from: z.string(),
  to: z.string(),
  sample: z.object({
    n: z.number(),
    accuracy: z.number().nullable(),
    macroF1: z
      .number()
      .nullable()
      .describe('Mean F1 over the labels present in the official or the model labels'),
    perClass: z.array(
      z.object({
        label: sentimentLabel,
        precision: z.number(),
        recall: z.number(),
        f1: z.number(),
        support: z.number(),
      }),
    ),
    confusion: z.object({
      labels: z.array(sentimentLabel),
      rows: z.array(z.array(z.number())).describe('rows[official][model], in the order of labels'),
    }),
  }),
  uncertain: agreement,
  manual: agreement,
  models: z
    .record(z.string(), z.number())
    .describe('Random-sample corrections per model version that scored the mention'),
});

const auditEntry = z.object({
  at: z.string(),
  clientId: z.string(),
  actor: z
    .string()
    .optional()
    .describe('Who acted: user:<username> for a signed-in official, else the client'),
  action: z.string(),
  target: z.string(),
  change: z.unknown().optional(),
});

const items = <T extends z.ZodType>(schema: T) => z.object({ items: z.array(schema) });

const mentionPage = z.object({
  items: z.array(mention),
  nextCursor: z.string().optional(),
  truncated: z
    .boolean()
    .optional()
    .describe('True when a bounded scan stopped before the end of the range'),
});

const health = z.object({ status: z.literal('ok') });

const openApiDocument = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

/** The caller as the API sees it: what a client asks before it offers controls. */
const me = z.object({
  tenantId: z.string(),
  clientId: z.string(),
  actor: z
    .string()
    .describe(
      'Who the audit trail names: user:<username> for a signed-in official, else the client',
    ),
  /** Effective scopes: admin implies write, write implies read. */
  scopes: z.array(scope),
});

export {
  alert,
  alertPath,
  alertsQuery,
  auditEntry,
  correctionOrigin,
  correctionResult,
  emptyQuery,
  errorBody,
  health,
  issue,
  issueCreateBody,
  issuedToken,
  issuePatchBody,
  issuePath,
  items,
  limitQuery,
  me,
  mention,
  mentionPage,
  mentionPath,
  mentionsQuery,
  noteBody,
  openApiDocument,
  qualityQuery,
  reviewPage,
  reviewQuery,
  sentimentCorrectionBody,
  sentimentQuality,
  sourceStatus,
  stats,
  statsQuery,
  subscriber,
  subscriberBody,
  subscriberConfirmBody,
  subscriberPath,
  tenant,
  tenantCreateBody,
  tenantPath,
  tokenCreateBody,
  tokenInfo,
  tokenPath,
};
