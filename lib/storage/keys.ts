/**
 * The only place that builds table keys. Every item carries `pk`, `sk` and `entityType`; some carry
 * `gsi1pk`/`gsi1sk`. Mentions and buckets of one issue share a partition so an issue's timeline is
 * one Query; see README "Hot issues" for how that partition scales.
 */
import type { BucketWidth, SourceName } from '../domain/types.ts';

export type EntityType =
  | 'tenant'
  | 'token'
  | 'issue'
  | 'mention'
  | 'bucket'
  | 'detector'
  | 'alert'
  | 'subscriber'
  | 'correction'
  | 'cursor'
  | 'source-status'
  | 'audit'
  | 'rate-limit';

export interface Key {
  pk: string;
  sk: string;
}

const tenantPk = (tenantId: string): string => `TENANT#${tenantId}`;
const issuePk = (issueId: string): string => `ISSUE#${issueId}`;

const tenantKey = (tenantId: string): Key => ({ pk: tenantPk(tenantId), sk: 'META' });

/** GSI1 lists every tenant (platform administration) without a Scan. */
const TENANTS_GSI1PK = 'TENANTS';

/** A tenant's own copy of each token, so listing and revoking are strongly consistent. */
const tenantTokenKey = (tenantId: string, tokenId: string): Key => ({
  pk: tenantPk(tenantId),
  sk: `TOKEN#${tokenId}`,
});

/** Tokens are stored by the SHA-256 of the secret, never the secret. */
const tokenKey = (tokenHash: string): Key => ({ pk: `TOKEN#${tokenHash}`, sk: 'META' });

const issueKey = (tenantId: string, issueId: string): Key => ({
  pk: tenantPk(tenantId),
  sk: `ISSUE#${issueId}`,
});

/** Collectors list every active issue across tenants through GSI1 without a Scan. */
const ACTIVE_ISSUES_GSI1PK = 'ISSUES#active';

const mentionSk = (createdAt: string, source: SourceName, sourceId: string): string =>
  `M#${createdAt}#${source}#${sourceId}`;

const mentionKey = (
  issueId: string,
  createdAt: string,
  source: SourceName,
  sourceId: string,
): Key => ({ pk: issuePk(issueId), sk: mentionSk(createdAt, source, sourceId) });

/** Bounds of a mention range Query; `to` is exclusive. */
const mentionRange = (issueId: string, fromIso: string, toIso: string) => ({
  pk: issuePk(issueId),
  skFrom: `M#${fromIso}`,
  // '#' sorts before every digit, so `M#<to>` excludes mentions created exactly at `to`.
  skTo: `M#${toIso}`,
});

const bucketSk = (width: BucketWidth, startIso: string): string => `B#${width}#${startIso}`;

const bucketKey = (issueId: string, width: BucketWidth, startIso: string): Key => ({
  pk: issuePk(issueId),
  sk: bucketSk(width, startIso),
});

const bucketPrefix = (width: BucketWidth): string => `B#${width}#`;

const detectorKey = (issueId: string): Key => ({ pk: issuePk(issueId), sk: 'DETECTOR' });

const alertSk = (episodeStart: string, level: string): string => `ALERT#${episodeStart}#${level}`;

const alertKey = (issueId: string, episodeStart: string, level: string): Key => ({
  pk: issuePk(issueId),
  sk: alertSk(episodeStart, level),
});

/** GSI1 lists a tenant's alerts newest first. */
const tenantAlertsGsi1pk = (tenantId: string): string => `TENANT#${tenantId}#ALERTS`;

const subscriberKey = (issueId: string, subscriberId: string): Key => ({
  pk: issuePk(issueId),
  sk: `SUB#${subscriberId}`,
});

const correctionKey = (issueId: string, mentionSortKey: string): Key => ({
  pk: issuePk(issueId),
  sk: `CORR#${mentionSortKey}`,
});

/** GSI1 lists every correction for the training export. */
const CORRECTIONS_GSI1PK = 'CORRECTIONS';

const cursorKey = (source: SourceName, scope: string): Key => ({
  pk: `CURSOR#${source}`,
  sk: scope,
});

const sourceStatusKey = (source: SourceName): Key => ({ pk: 'SOURCES', sk: `STATUS#${source}` });

const auditKey = (tenantId: string, at: string, id: string): Key => ({
  pk: `AUDIT#${tenantId}`,
  sk: `${at}#${id}`,
});

/**
 * API request counter of one fixed minute: the tenant's own, or one client's within that tenant.
 * A client counts per tenant because one app client (the dashboard's) serves every agency's
 * officials. Tenant ids hold no '#', so the two kinds never collide; separate partition keys keep
 * a tenant's counter and its clients' counters on separate partitions.
 */
const rateLimitKey = (windowStartIso: string, tenantId: string, clientId?: string): Key => ({
  pk: clientId === undefined ? `RATE#${tenantId}` : `RATE#${tenantId}#CLIENT#${clientId}`,
  sk: `W#${windowStartIso}`,
});

/**
 * A mention's public id: its issue and sort key, base64url-encoded, so an id resolves to one
 * GetItem without an index. Ownership is still checked against the caller's tenant.
 */
function encodeMentionId(issueId: string, sk: string): string {
  return Buffer.from(`${issueId}\n${sk}`, 'utf8').toString('base64url');
}

function decodeMentionId(id: string): { issueId: string; sk: string } | undefined {
  if (!/^[A-Za-z0-9_-]{1,1400}$/.test(id)) return undefined;
  const raw = Buffer.from(id, 'base64url').toString('utf8');
  const nl = raw.indexOf('\n');
  if (nl <= 0) return undefined;
  const issueId = raw.slice(0, nl);
  const sk = raw.slice(nl + 1);
  if (!sk.startsWith('M#') || !/^[A-Za-z0-9_-]+$/.test(issueId)) return undefined;
  return { issueId, sk };
}

/** Alert ids encode the same way: issue plus sort key. */
function encodeAlertId(issueId: string, sk: string): string {
  return Buffer.from(`${issueId}\n${sk}`, 'utf8').toString('base64url');
}

function decodeAlertId(id: string): { issueId: string; sk: string } | undefined {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(id)) return undefined;
  const raw = Buffer.from(id, 'base64url').toString('utf8');
  const nl = raw.indexOf('\n');
  if (nl <= 0) return undefined;
  const issueId = raw.slice(0, nl);
  const sk = raw.slice(nl + 1);
  if (!sk.startsWith('ALERT#') || !/^[A-Za-z0-9_-]+$/.test(issueId)) return undefined;
  return { issueId, sk };
}

export {
  ACTIVE_ISSUES_GSI1PK,
  alertKey,
  alertSk,
  auditKey,
  bucketKey,
  bucketPrefix,
  bucketSk,
  CORRECTIONS_GSI1PK,
  correctionKey,
  cursorKey,
  decodeAlertId,
  decodeMentionId,
  detectorKey,
  encodeAlertId,
  encodeMentionId,
  issueKey,
  issuePk,
  mentionKey,
  mentionRange,
  mentionSk,
  rateLimitKey,
  sourceStatusKey,
  subscriberKey,
  TENANTS_GSI1PK,
  tenantAlertsGsi1pk,
  tenantKey,
  tenantPk,
  tenantTokenKey,
  tokenKey,
};
