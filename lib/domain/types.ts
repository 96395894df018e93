/**
 * Pantau's domain vocabulary. No AWS imports here: adapters map these to and from items,
 * events and HTTP bodies.
 */

export type SourceName = 'rss' | 'google-news' | 'x' | 'youtube' | 'bluesky' | 'mastodon' | 'demo';

export const SOURCE_NAMES: readonly SourceName[] = [
  'rss',
  'google-news',
  'x',
  'youtube',
  'bluesky',
  'mastodon',
  'demo',
];

export type SentimentLabel = 'POSITIVE' | 'NEGATIVE' | 'NEUTRAL' | 'MIXED';

export const SENTIMENT_LABELS: readonly SentimentLabel[] = [
  'POSITIVE',
  'NEGATIVE',
  'NEUTRAL',
  'MIXED',
];

/** Probabilities per label; they sum to 1 (within rounding). */
export type SentimentScores = Record<SentimentLabel, number>;

export interface Sentiment {
  label: SentimentLabel;
  scores: SentimentScores;
  /** Which engine produced the score: 'builtin', 'comprehend', 'correction', ... */
  engine: string;
  /** Model or engine version, stored with the score so later analysis can tell them apart. */
  model: string;
  /** ISO-8601 UTC. */
  scoredAt: string;
}

/**
 * Where an official's correction came from: a mention list (`manual`), the uniform random review
 * sample (`review-sample`, the unbiased measure of the model) or the least-certain queue.
 */
export type CorrectionOrigin = 'manual' | 'review-sample' | 'review-uncertain';

export const CORRECTION_ORIGINS: readonly CorrectionOrigin[] = [
  'manual',
  'review-sample',
  'review-uncertain',
];

/** The stored correction of one mention (the latest one: a new correction replaces it). */
export interface CorrectionRecord {
  tenantId: string;
  issueId: string;
  mentionId: string;
  text: string;
  /** The official's label. */
  label: SentimentLabel;
  /** The label the mention carried just before (the model's, or an earlier correction's). */
  previousLabel?: SentimentLabel;
  /** The label the model gave; absent when the mention was never scored by a model. */
  modelLabel?: SentimentLabel;
  /** The model version of that score. */
  model?: string;
  origin: CorrectionOrigin;
  by: string;
  /** ISO-8601 UTC. */
  at: string;
}

export interface Author {
  id?: string;
  handle?: string;
  name?: string;
  followers?: number;
}

export interface Engagement {
  likes?: number;
  reposts?: number;
  replies?: number;
  quotes?: number;
  views?: number;
}

/** One public item from a source, normalised. */
export interface Post {
  source: SourceName;
  sourceId: string;
  url: string;
  author: Author;
  text: string;
  /** Title for news articles and videos; matched together with text. */
  title?: string;
  /** ISO-8601 UTC with milliseconds (`new Date().toISOString()` shape). */
  createdAt: string;
  /** BCP-47-ish primary language code, normalised at the edge ('in' → 'id'); 'und' if unknown. */
  lang: string;
  engagement: Engagement;
  replyTo?: string;
  quoteOf?: string;
}

/** A post that matched an issue: the unit stored, scored, counted and queried. */
export interface Mention extends Post {
  tenantId: string;
  issueId: string;
  /** Opaque, URL-safe id, stable for the same (issue, post). */
  id: string;
  collectedAt: string;
  sentiment?: Sentiment;
  /** Language detected by the score step (may differ from the source's tag). */
  detectedLang?: string;
}

export type AlertLevel = 'WASPADA' | 'SIAGA' | 'AWAS';

export const ALERT_LEVELS: readonly AlertLevel[] = ['WASPADA', 'SIAGA', 'AWAS'];

/** Rank of a level, for comparisons and SNS numeric filter policies. */
export function levelRank(level: AlertLevel): number {
  return ALERT_LEVELS.indexOf(level) + 1;
}

export interface DetectorParams {
  /** Bucket width the detector reads, in minutes. */
  windowMinutes: number;
  /** Minimum EXCESS of negative mentions over the baseline before anything fires. */
  minNegative: number;
  /** Minutes after a resolution before a new episode may open. */
  cooldownMinutes: number;
  /** Thresholds in baseline deviations for each level. */
  waspadaZ: number;
  siagaZ: number;
  awasZ: number;
  /** Smoothing factor of the exponentially weighted baseline (0..1). */
  alpha: number;
  /** Minimum negative share of the window for an alert. */
  minNegativeShare: number;
  /** Windows back at normal before an episode resolves. */
  resolveAfterWindows: number;
  /** Minutes after a window ends before its counts are final and learnt (late posts arrive). */
  settleMinutes: number;
  /** Settled windows the baseline must have seen before anything fires. */
  warmupWindows: number;
  /** Minimum negative/baseline ratio per level: a z-score alone over-fires on tiny baselines. */
  waspadaRatio: number;
  siagaRatio: number;
  awasRatio: number;
  /** The negative share must exceed the issue's normal share times this... */
  shareLift: number;
  /** ...and by this many binomial standard errors (tells a crisis from a level shift). */
  shareZ: number;
  /** Smoothing factor of the time-of-day profile, per window (0..1). */
  seasonGamma: number;
  /** Length of the slow scale (slow builds), in minutes; a multiple of windowMinutes. */
  slowScaleMinutes: number;
}

export interface Issue {
  tenantId: string;
  id: string;
  name: string;
  /** Query in Pantau's query language, e.g. `("harga beras" OR #beras) -impor`. */
  query: string;
  sources: SourceName[];
  /** Languages to keep (normalised codes); empty means all. */
  languages: string[];
  status: 'active' | 'paused';
  detector: Partial<DetectorParams>;
  createdAt: string;
  updatedAt: string;
}

export interface Tenant {
  id: string;
  name: string;
  createdAt: string;
}

export type BucketWidth = '5m' | '1h' | '1d';

export const BUCKET_WIDTHS: readonly BucketWidth[] = ['5m', '1h', '1d'];

export interface BucketCounts {
  total: number;
  positive: number;
  negative: number;
  neutral: number;
  mixed: number;
  /** Sum of likes + reposts + replies + quotes of the counted mentions. */
  engagement: number;
}

export interface Bucket extends BucketCounts {
  tenantId: string;
  issueId: string;
  width: BucketWidth;
  /** ISO-8601 UTC start of the window. */
  start: string;
}

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export interface AlertEvidence {
  windowStart: string;
  windowEnd: string;
  negative: number;
  total: number;
  /** Expected negative mentions for this window. */
  baseline: number;
  /** Baseline deviation used for the z-score. */
  deviation: number;
  /** negative / max(baseline, 1). */
  ratio: number;
  negativeShare: number;
  /** Negative mentions per window over the last hours, oldest first. */
  trend: number[];
  topMentions: { id: string; url: string; text: string; author?: string; engagement: number }[];
  reason: string;
}

export interface Alert {
  tenantId: string;
  issueId: string;
  issueName: string;
  /** Opaque id. */
  id: string;
  /** Start of the episode (ISO); an episode holds its raise and escalations. */
  episodeStart: string;
  level: AlertLevel;
  state: 'raised' | 'escalated';
  raisedAt: string;
  status: AlertStatus;
  evidence: AlertEvidence;
  notifiedAt?: string;
  /** Parts of the notification already sent (SNS: languages) when the rest failed; see detect. */
  deliveredParts?: string[];
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  resolvedBy?: string;
  note?: string;
}

export interface Subscriber {
  tenantId: string;
  issueId: string;
  id: string;
  channel: 'sms' | 'email';
  address: string;
  minLevel: AlertLevel;
  lang: 'id' | 'en';
  createdAt: string;
  /** The SNS subscription behind this subscriber (AWS only); never shown to API clients. */
  subscriptionArn?: string;
  /**
   * When an email subscription was confirmed through Pantau (AWS only), which confirms with
   * authenticated unsubscribe so a forwarded alert email cannot unsubscribe the official.
   */
  confirmedAt?: string;
}

export type SourceHealth = 'ok' | 'rate-limited' | 'quota-exhausted' | 'auth-failed' | 'error';

export interface SourceStatus {
  source: SourceName;
  status: SourceHealth;
  lastRunAt: string;
  until?: string;
  lastError?: string;
  /** Totals of the run `runId`: summed over every shard of a fanned-out run that reported. */
  postsSeen: number;
  mentionsWritten: number;
  /**
   * The collect run these counts belong to, shared by all of its shards (`<ISO start>~<random>`,
   * so ids order by start time). Absent on a status stored without one.
   */
  runId?: string;
  /** Shards (invocations) that reported into this run so far; 1 for an unsharded run. */
  shards?: number;
  /** Shards the run was split into: fewer `shards` than this means a partial run (so far). */
  shardsPlanned?: number;
  /**
   * The collector's schedule interval in whole minutes, recorded by the run (rounded up). Absent
   * on items stored before it was recorded: such a source is never called overdue.
   */
  expectedEveryMinutes?: number;
}

/** Whether the last run's planned shards all reported, may still report, or have stopped. */
export type SourceRunState = 'complete' | 'running' | 'incomplete';

/** Computed when the status is read (lib/sources/liveness.ts), never stored. */
export interface SourceLiveness {
  /** The source has not run for longer than its schedule allows (see lib/sources/liveness.ts). */
  overdue: boolean;
  /** ISO time the source became overdue; only when `overdue`. */
  overdueSince?: string;
  /** Only for a run that records its shards (`shardsPlanned`). */
  run?: SourceRunState;
}

/** What `GET /v1/sources/status` answers for each source. */
export type SourceStatusView = SourceStatus & SourceLiveness;
