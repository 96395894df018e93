/**
 * Item <-> domain mapping for every entity, in one place. Items carry `pk`, `sk`, `entityType` and
 * the domain fields; readers pick the domain fields explicitly so storage attributes (keys, ttl,
 * correction bookkeeping) never leak into domain objects.
 */
import type { ApiToken } from '../domain/ports.ts';
import type {
  Alert,
  AlertEvidence,
  AlertLevel,
  AlertStatus,
  Author,
  Bucket,
  BucketCounts,
  BucketWidth,
  CorrectionOrigin,
  CorrectionRecord,
  Engagement,
  Issue,
  Mention,
  Sentiment,
  SentimentLabel,
  SourceHealth,
  SourceName,
  SourceStatus,
  Subscriber,
  Tenant,
} from '../domain/types.ts';
import { CORRECTION_ORIGINS, SENTIMENT_LABELS } from '../domain/types.ts';
import {
  ACTIVE_ISSUES_GSI1PK,
  alertKey,
  type EntityType,
  encodeAlertId,
  encodeMentionId,
  issueKey,
  mentionKey,
  sourceStatusKey,
  subscriberKey,
  TENANTS_GSI1PK,
  tenantAlertsGsi1pk,
  tenantKey,
  tenantTokenKey,
  tokenKey,
} from './keys.ts';
import { compact, type Item, num, optStr, str } from './repository-support.ts';

const DAY_SECONDS = 86_400;

/**
 * Keys keys.ts does not have yet (see the storage report): the tenant listing on GSI1 and the
 * per-tenant token index item. Kept here so they are still built in one place.
 */
const TENANT_TOKEN_PREFIX = 'TOKEN#';

const withType = (entityType: EntityType, key: { pk: string; sk: string }, body: object): Item =>
  compact({ ...body, ...key, entityType });

// ---------------------------------------------------------------- tenants and tokens

function tenantToItem(t: Tenant): Item {
  return withType('tenant', tenantKey(t.id), {
    id: t.id,
    name: t.name,
    createdAt: t.createdAt,
    gsi1pk: TENANTS_GSI1PK,
    gsi1sk: `TENANT#${t.id}`,
  });
}

function itemToTenant(item: Item): Tenant {
  return { id: str(item, 'id'), name: str(item, 'name'), createdAt: str(item, 'createdAt') };
}

function tokenFields(t: ApiToken) {
  return {
    hash: t.hash,
    tenantId: t.tenantId,
    id: t.id,
    name: t.name,
    scopes: [...t.scopes],
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
  };
}

/** The token itself, found by hash on every API call. */
function tokenToItem(t: ApiToken): Item {
  return withType('token', tokenKey(t.hash), tokenFields(t));
}

/** Its copy in the tenant's partition, so listings and revocation are strongly consistent. */
function tenantTokenToItem(t: ApiToken): Item {
  return withType('token', tenantTokenKey(t.tenantId, t.id), tokenFields(t));
}

function itemToToken(item: Item): ApiToken {
  const scopes = Array.isArray(item.scopes)
    ? item.scopes.filter((s): s is string => typeof s === 'string')
    : item.scopes instanceof Set
      ? [...item.scopes].filter((s): s is string => typeof s === 'string')
      : [];
  return compact({
    hash: str(item, 'hash'),
    tenantId: str(item, 'tenantId'),
    id: str(item, 'id'),
    name: str(item, 'name'),
    scopes,
    createdAt: str(item, 'createdAt'),
    expiresAt: optStr(item, 'expiresAt'),
    revokedAt: optStr(item, 'revokedAt'),
  });
}

// ---------------------------------------------------------------- issues

const issueGsi1sk = (tenantId: string, issueId: string) => `ISSUE#${tenantId}#${issueId}`;

function issueToItem(issue: Issue): Item {
  return withType('issue', issueKey(issue.tenantId, issue.id), {
    tenantId: issue.tenantId,
    id: issue.id,
    name: issue.name,
    query: issue.query,
    sources: [...issue.sources],
    languages: [...issue.languages],
    status: issue.status,
    detector: issue.detector,
    createdAt: issue.createdAt,
    updatedAt: issue.updatedAt,
    // Only active issues are in the collectors' GSI1 partition; a paused one drops out.
    gsi1pk: issue.status === 'active' ? ACTIVE_ISSUES_GSI1PK : undefined,
    gsi1sk: issue.status === 'active' ? issueGsi1sk(issue.tenantId, issue.id) : undefined,
  });
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function itemToIssue(item: Item): Issue {
  return {
    tenantId: str(item, 'tenantId'),
    id: str(item, 'id'),
    name: str(item, 'name'),
    query: str(item, 'query'),
    sources: stringList(item.sources) as SourceName[],
    languages: stringList(item.languages),
    status: item.status === 'paused' ? 'paused' : 'active',
    detector: (item.detector ?? {}) as Issue['detector'],
    createdAt: str(item, 'createdAt'),
    updatedAt: str(item, 'updatedAt'),
  };
}

// ---------------------------------------------------------------- mentions

function mentionKeyOf(m: Pick<Mention, 'issueId' | 'createdAt' | 'source' | 'sourceId'>) {
  return mentionKey(m.issueId, m.createdAt, m.source, m.sourceId);
}

/**
 * A new mention as stored. Its id is derived from the key; a score is never written here (scores
 * enter only through recordScores, which also counts them in the buckets).
 */
function mentionToItem(m: Mention, retentionDays: number): Item {
  const key = mentionKeyOf(m);
  const ttl = Math.floor(Date.parse(m.createdAt) / 1000) + Math.round(retentionDays * DAY_SECONDS);
  return withType('mention', key, {
    tenantId: m.tenantId,
    issueId: m.issueId,
    id: encodeMentionId(m.issueId, key.sk),
    source: m.source,
    sourceId: m.sourceId,
    url: m.url,
    author: m.author,
    text: m.text,
    title: m.title,
    createdAt: m.createdAt,
    lang: m.lang,
    engagement: m.engagement,
    replyTo: m.replyTo,
    quoteOf: m.quoteOf,
    collectedAt: m.collectedAt,
    ttl,
  });
}

function itemToSentiment(value: unknown): Sentiment | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const s = value as Item;
  const scores = (s.scores ?? {}) as Record<string, unknown>;
  const score = (label: string) =>
    typeof scores[label] === 'number' ? (scores[label] as number) : 0;
  return {
    label: str(s, 'label') as SentimentLabel,
    scores: {
      POSITIVE: score('POSITIVE'),
      NEGATIVE: score('NEGATIVE'),
      NEUTRAL: score('NEUTRAL'),
      MIXED: score('MIXED'),
    },
    engine: str(s, 'engine'),
    model: str(s, 'model'),
    scoredAt: str(s, 'scoredAt'),
  };
}

function itemToMention(item: Item): Mention {
  return compact({
    tenantId: str(item, 'tenantId'),
    issueId: str(item, 'issueId'),
    id: str(item, 'id'),
    source: str(item, 'source') as SourceName,
    sourceId: str(item, 'sourceId'),
    url: str(item, 'url'),
    author: (item.author ?? {}) as Author,
    text: str(item, 'text'),
    title: optStr(item, 'title'),
    createdAt: str(item, 'createdAt'),
    lang: optStr(item, 'lang') ?? 'und',
    engagement: (item.engagement ?? {}) as Engagement,
    replyTo: optStr(item, 'replyTo'),
    quoteOf: optStr(item, 'quoteOf'),
    collectedAt: str(item, 'collectedAt'),
    sentiment: itemToSentiment(item.sentiment),
    detectedLang: optStr(item, 'detectedLang'),
  });
}

/** The engagement a mention adds to its buckets: likes + reposts + replies + quotes. */
function engagementOf(m: Pick<Mention, 'engagement'>): number {
  const e = m.engagement ?? {};
  let sum = 0;
  for (const v of [e.likes, e.reposts, e.replies, e.quotes]) {
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) sum += Math.floor(v);
  }
  return sum;
}

// ---------------------------------------------------------------- corrections

function optLabel(item: Item, field: string): SentimentLabel | undefined {
  const v = item[field];
  return typeof v === 'string' && (SENTIMENT_LABELS as readonly string[]).includes(v)
    ? (v as SentimentLabel)
    : undefined;
}

/** A stored correction; one stored before origins existed came from a mention list. */
function itemToCorrection(item: Item): CorrectionRecord {
  const origin = item.origin;
  return compact({
    tenantId: str(item, 'tenantId'),
    issueId: str(item, 'issueId'),
    mentionId: str(item, 'mentionId'),
    text: str(item, 'text'),
    label: str(item, 'label') as SentimentLabel,
    previousLabel: optLabel(item, 'previousLabel'),
    modelLabel: optLabel(item, 'modelLabel'),
    model: optStr(item, 'model'),
    origin:
      typeof origin === 'string' && (CORRECTION_ORIGINS as readonly string[]).includes(origin)
        ? (origin as CorrectionOrigin)
        : 'manual',
    by: str(item, 'by'),
    at: str(item, 'at'),
  });
}

// ---------------------------------------------------------------- buckets

/** The bucket count attribute of a label. */
const LABEL_FIELD: Record<SentimentLabel, keyof BucketCounts> = {
  POSITIVE: 'positive',
  NEGATIVE: 'negative',
  NEUTRAL: 'neutral',
  MIXED: 'mixed',
};

function itemToBucket(item: Item): Bucket {
  return {
    tenantId: str(item, 'tenantId'),
    issueId: str(item, 'issueId'),
    width: str(item, 'width') as BucketWidth,
    start: str(item, 'start'),
    total: num(item, 'total'),
    positive: num(item, 'positive'),
    negative: num(item, 'negative'),
    neutral: num(item, 'neutral'),
    mixed: num(item, 'mixed'),
    engagement: num(item, 'engagement'),
  };
}

// ---------------------------------------------------------------- alerts

function alertKeyOf(a: Pick<Alert, 'issueId' | 'episodeStart' | 'level'>) {
  return alertKey(a.issueId, a.episodeStart, a.level);
}

function alertToItem(a: Alert): Item {
  const key = alertKeyOf(a);
  return withType('alert', key, {
    tenantId: a.tenantId,
    issueId: a.issueId,
    issueName: a.issueName,
    id: encodeAlertId(a.issueId, key.sk),
    episodeStart: a.episodeStart,
    level: a.level,
    state: a.state,
    raisedAt: a.raisedAt,
    status: a.status,
    evidence: a.evidence,
    notifiedAt: a.notifiedAt,
    deliveredParts: a.deliveredParts,
    acknowledgedAt: a.acknowledgedAt,
    acknowledgedBy: a.acknowledgedBy,
    resolvedAt: a.resolvedAt,
    resolvedBy: a.resolvedBy,
    note: a.note,
    gsi1pk: tenantAlertsGsi1pk(a.tenantId),
    gsi1sk: `${a.raisedAt}#${a.issueId}`,
  });
}

function itemToAlert(item: Item): Alert {
  return compact({
    tenantId: str(item, 'tenantId'),
    issueId: str(item, 'issueId'),
    issueName: str(item, 'issueName'),
    id: str(item, 'id'),
    episodeStart: str(item, 'episodeStart'),
    level: str(item, 'level') as AlertLevel,
    state: item.state === 'escalated' ? 'escalated' : 'raised',
    raisedAt: str(item, 'raisedAt'),
    status: str(item, 'status') as AlertStatus,
    evidence: item.evidence as AlertEvidence,
    notifiedAt: optStr(item, 'notifiedAt'),
    deliveredParts: Array.isArray(item.deliveredParts)
      ? item.deliveredParts.filter((p): p is string => typeof p === 'string')
      : undefined,
    acknowledgedAt: optStr(item, 'acknowledgedAt'),
    acknowledgedBy: optStr(item, 'acknowledgedBy'),
    resolvedAt: optStr(item, 'resolvedAt'),
    resolvedBy: optStr(item, 'resolvedBy'),
    note: optStr(item, 'note'),
  });
}

// ---------------------------------------------------------------- subscribers, sources

function subscriberToItem(s: Subscriber): Item {
  return withType('subscriber', subscriberKey(s.issueId, s.id), {
    tenantId: s.tenantId,
    issueId: s.issueId,
    id: s.id,
    channel: s.channel,
    address: s.address,
    minLevel: s.minLevel,
    lang: s.lang,
    createdAt: s.createdAt,
    subscriptionArn: s.subscriptionArn,
    confirmedAt: s.confirmedAt,
  });
}

function itemToSubscriber(item: Item): Subscriber {
  return {
    tenantId: str(item, 'tenantId'),
    issueId: str(item, 'issueId'),
    id: str(item, 'id'),
    channel: item.channel === 'email' ? 'email' : 'sms',
    address: str(item, 'address'),
    minLevel: str(item, 'minLevel') as AlertLevel,
    lang: item.lang === 'en' ? 'en' : 'id',
    createdAt: str(item, 'createdAt'),
    subscriptionArn: optStr(item, 'subscriptionArn'),
    confirmedAt: optStr(item, 'confirmedAt'),
  };
}

function sourceStatusToItem(s: SourceStatus): Item {
  return withType('source-status', sourceStatusKey(s.source), {
    source: s.source,
    status: s.status,
    lastRunAt: s.lastRunAt,
    until: s.until,
    lastError: s.lastError,
    postsSeen: s.postsSeen,
    mentionsWritten: s.mentionsWritten,
    runId: s.runId,
    shards: s.shards,
    shardsPlanned: s.shardsPlanned,
    expectedEveryMinutes: s.expectedEveryMinutes,
  });
}

/** A count that older status items do not have. */
function optCount(item: Item, field: string): number | undefined {
  const v = item[field];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function itemToSourceStatus(item: Item): SourceStatus {
  return compact({
    source: str(item, 'source') as SourceName,
    status: str(item, 'status') as SourceHealth,
    lastRunAt: str(item, 'lastRunAt'),
    until: optStr(item, 'until'),
    lastError: optStr(item, 'lastError'),
    postsSeen: num(item, 'postsSeen'),
    mentionsWritten: num(item, 'mentionsWritten'),
    runId: optStr(item, 'runId'),
    shards: optCount(item, 'shards'),
    shardsPlanned: optCount(item, 'shardsPlanned'),
    expectedEveryMinutes: optCount(item, 'expectedEveryMinutes'),
  });
}

export {
  alertKeyOf,
  alertToItem,
  DAY_SECONDS,
  engagementOf,
  issueToItem,
  itemToAlert,
  itemToBucket,
  itemToCorrection,
  itemToIssue,
  itemToMention,
  itemToSentiment,
  itemToSourceStatus,
  itemToSubscriber,
  itemToTenant,
  itemToToken,
  LABEL_FIELD,
  mentionKeyOf,
  mentionToItem,
  sourceStatusToItem,
  subscriberToItem,
  TENANT_TOKEN_PREFIX,
  TENANTS_GSI1PK,
  tenantToItem,
  tenantTokenKey,
  tenantTokenToItem,
  tokenToItem,
  withType,
};
