/**
 * Ports: what the use cases need from the outside world. Adapters (DynamoDB, SNS, Comprehend,
 * HTTP sources, the local outbox) implement them; tests pass fakes or real engines on loopback.
 */
import type {
  Alert,
  AlertStatus,
  Bucket,
  BucketCounts,
  BucketWidth,
  CorrectionOrigin,
  CorrectionRecord,
  Issue,
  Mention,
  Post,
  Sentiment,
  SentimentLabel,
  SourceName,
  SourceStatus,
  Subscriber,
  Tenant,
} from './types.ts';

// ---------------------------------------------------------------- storage

export interface Page<T> {
  items: T[];
  /** Opaque; absent on the last page. */
  nextCursor?: string;
}

export interface ApiToken {
  /** SHA-256 hex of the secret; the secret itself is never stored. */
  hash: string;
  tenantId: string;
  /** Short public id of the token, shown in listings. */
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
}

export interface TenantRepository {
  put(tenant: Tenant): Promise<void>;
  get(tenantId: string): Promise<Tenant | undefined>;
  list(): Promise<Tenant[]>;
  putToken(token: ApiToken): Promise<void>;
  getToken(hash: string): Promise<ApiToken | undefined>;
  listTokens(tenantId: string): Promise<ApiToken[]>;
  revokeToken(tenantId: string, tokenId: string, at: string): Promise<boolean>;
}

export interface IssueRepository {
  /** Fails with ConflictError when the id exists. */
  create(issue: Issue): Promise<void>;
  get(tenantId: string, issueId: string): Promise<Issue | undefined>;
  list(tenantId: string): Promise<Issue[]>;
  /** Replaces the stored issue; NotFoundError when it does not exist for that tenant. */
  update(issue: Issue): Promise<void>;
  delete(tenantId: string, issueId: string): Promise<boolean>;
  /** Every active issue of every tenant (collectors); reads GSI1, never Scans. */
  listActive(): Promise<Issue[]>;
}

export interface MentionQuery {
  from: string;
  to: string;
  sentiment?: SentimentLabel;
  source?: SourceName;
  lang?: string;
  limit: number;
  cursor?: string;
  order: 'asc' | 'desc';
}

export interface ScoreWrite {
  mention: Mention;
  sentiment: Sentiment;
  detectedLang: string;
}

export interface ScoreWriteResult {
  /** Mentions whose score and bucket counts were written now. */
  applied: number;
  /** Mentions that already had a score (a replayed record): nothing written. */
  alreadyScored: number;
}

export interface MentionRepository {
  /**
   * Writes a mention only if it does not exist yet (same issue, source, source id and time).
   * Returns false for a duplicate: its stored score is left untouched.
   */
  putNew(mention: Mention): Promise<boolean>;
  get(mentionId: string): Promise<Mention | undefined>;
  query(issueId: string, q: MentionQuery): Promise<Page<Mention>>;
  /**
   * Stores scores and adds the scored mentions to their buckets (every width) atomically, in
   * chunks, one ADD per bucket per chunk. A mention that already has a score is skipped, so a
   * replayed stream batch never counts twice.
   */
  recordScores(writes: ScoreWrite[]): Promise<ScoreWriteResult>;
  /**
   * Replaces a mention's label with an official's correction and moves its bucket counts. The
   * correction record keeps `origin` (default `manual`) and the model's own label and version.
   */
  correct(
    mention: Mention,
    label: SentimentLabel,
    by: string,
    at: string,
    origin?: CorrectionOrigin,
  ): Promise<{ previous: SentimentLabel | undefined }>;
  /** Corrections for the training export; `origin` keeps only that kind. */
  listCorrections(opts?: {
    origin?: CorrectionOrigin;
  }): Promise<{ text: string; label: SentimentLabel; by: string; at: string }[]>;
  /** The latest correction of each mention of an issue made in [from, to), oldest first. */
  listIssueCorrections(issueId: string, from: string, to: string): Promise<CorrectionRecord[]>;
}

export interface BucketRepository {
  /** Buckets of one width with start in [from, to), oldest first. */
  query(issueId: string, width: BucketWidth, from: string, to: string): Promise<Bucket[]>;
}

export interface DetectorStateRepository {
  get(issueId: string): Promise<{ state: unknown; version: number } | undefined>;
  /** Optimistic write: fails with ConflictError if the stored version is not `expectedVersion`. */
  put(issueId: string, state: unknown, expectedVersion: number): Promise<void>;
}

export interface AlertRepository {
  /** Writes the alert if (issue, episode, level) is new; false when it already exists. */
  create(alert: Alert): Promise<boolean>;
  get(alertId: string): Promise<Alert | undefined>;
  markNotified(alert: Alert, at: string): Promise<void>;
  /** Records the parts of a notification that went out before the rest failed. */
  markDelivered(alert: Alert, parts: readonly string[]): Promise<void>;
  listByIssue(issueId: string, limit: number): Promise<Alert[]>;
  listByTenant(tenantId: string, status: AlertStatus | undefined, limit: number): Promise<Alert[]>;
  setStatus(
    alert: Alert,
    status: AlertStatus,
    by: string,
    at: string,
    note: string | undefined,
  ): Promise<Alert>;
}

export interface SubscriberRepository {
  list(issueId: string): Promise<Subscriber[]>;
  add(subscriber: Subscriber): Promise<void>;
  remove(issueId: string, subscriberId: string): Promise<boolean>;
}

export interface CursorRepository {
  get(source: SourceName, scope: string): Promise<Record<string, unknown> | undefined>;
  put(source: SourceName, scope: string, cursor: Record<string, unknown>): Promise<void>;
}

export interface SourceStatusPutOptions {
  /**
   * ISO time the caller's run ends. When given and `status` is not itself a stop at this time, a
   * stored `rate-limited`/`quota-exhausted` with a later `until` is kept (a concurrent shard hit
   * the shared limit), only the counts and `lastRunAt` are recorded.
   */
  now?: string;
}

export interface SourceStatusRepository {
  /**
   * Records a run's or one shard's status in one conditional update. With a `runId`: the same run
   * as stored adds `postsSeen`, `mentionsWritten` and one shard; a later run (ids order by start)
   * replaces them; a shard of an earlier run than stored leaves them alone and records only a stop
   * it hit. Without a `runId` the status replaces the stored one as it is.
   */
  put(status: SourceStatus, opts?: SourceStatusPutOptions): Promise<void>;
  list(): Promise<SourceStatus[]>;
}

export interface AuditRepository {
  record(entry: {
    tenantId: string;
    clientId: string;
    /** Who acted (Principal.actor); entries written before it was recorded have none. */
    actor?: string;
    at: string;
    action: string;
    target: string;
    change?: unknown;
  }): Promise<void>;
  list(
    tenantId: string,
    limit: number,
  ): Promise<
    {
      at: string;
      clientId: string;
      actor?: string;
      action: string;
      target: string;
      change?: unknown;
    }[]
  >;
}

export interface Repositories {
  tenants: TenantRepository;
  issues: IssueRepository;
  mentions: MentionRepository;
  buckets: BucketRepository;
  detector: DetectorStateRepository;
  alerts: AlertRepository;
  subscribers: SubscriberRepository;
  cursors: CursorRepository;
  sourceStatus: SourceStatusRepository;
  audit: AuditRepository;
}

// ---------------------------------------------------------------- API rate limits

/**
 * Request limits per tenant and per client over fixed one-minute windows, counted in one place.
 * The API passes the principal's actor as the client: a signed-in official counts on their own,
 * a token or client-credentials client as itself. Counted in one place
 * that every process serving the API shares. `hit` counts one request and says whether it stays
 * within both limits. It throws when the counter store fails; the caller decides what a failure
 * means (the API lets the request through: availability first).
 */
export interface RateLimiter {
  hit(
    tenantId: string,
    /** The principal's actor (`user:<username>`, `cognito:<client>` or `token:<id>`). */
    clientId: string,
    now: Date,
  ): Promise<
    | { allowed: true }
    | { allowed: false; limit: 'tenant' | 'client'; requestsPerMinute: number; resetAt: Date }
  >;
}

// ---------------------------------------------------------------- sentiment

export interface SentimentInput {
  /** Caller's correlation id (a mention id). */
  id: string;
  text: string;
  /** Language tag from the source, if any (normalised). */
  lang?: string;
}

export interface SentimentOutput {
  id: string;
  sentiment: Sentiment;
  /** Language the analyzer settled on. */
  lang: string;
}

export interface SentimentAnalyzer {
  analyze(inputs: SentimentInput[]): Promise<SentimentOutput[]>;
}

// ---------------------------------------------------------------- alerts

export interface AlertPublisher {
  /**
   * Publishes one notification for the alert to every matching subscriber, except the parts in
   * `skip` (sent by an earlier attempt). A failure after some parts went out throws
   * PartialDeliveryError naming them.
   */
  publish(alert: Alert, opts?: { skip?: readonly string[] }): Promise<{ messageId: string }>;
}

// ---------------------------------------------------------------- sources

export interface CollectContext {
  now: Date;
  /** Epoch ms by which the adapter must stop and return what it has. */
  deadline: number;
  signal?: AbortSignal;
}

/** One unit of collection: one feed, or one issue's search on one source. */
export interface CollectScope {
  /** Stable key for the cursor, e.g. a feed URL or `issue:<id>`. */
  scope: string;
  /** Issues whose queries are matched against what this scope returns. */
  issues: Issue[];
}

export interface FetchResult {
  posts: Post[];
  /** The cursor to store once the posts are stored; undefined keeps the old one. */
  cursor?: Record<string, unknown>;
  /** Requests made (for figures). */
  requests: number;
}

export interface SourceAdapter {
  readonly name: SourceName;
  /** Splits the active issues into scopes (per feed, or per issue for search APIs). */
  scopes(issues: Issue[]): CollectScope[];
  fetch(
    scope: CollectScope,
    cursor: Record<string, unknown> | undefined,
    ctx: CollectContext,
  ): Promise<FetchResult>;
}

export type { BucketCounts };
