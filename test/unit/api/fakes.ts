/**
 * In-memory fakes of the repository ports, for fast unit and fuzz tests of the API. They keep
 * the contracts the routes rely on (tenant-scoped reads, range queries with opaque cursors that
 * reject tampering with a ValidationError, conditional creates), not the DynamoDB details;
 * the integration tests run the same routes on the real repositories.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../../../lib/domain/errors.ts';
import type { ApiToken, MentionQuery, Page, Repositories } from '../../../lib/domain/ports.ts';
import type {
  Alert,
  Bucket,
  CorrectionRecord,
  Issue,
  Mention,
  SentimentLabel,
  SourceStatus,
  Subscriber,
  Tenant,
} from '../../../lib/domain/types.ts';
import { encodeMentionId, mentionSk } from '../../../lib/storage/keys.ts';

const clone = <T>(v: T): T => structuredClone(v);

function createFakeRepositories(): Repositories & {
  _mentions: Map<string, Mention[]>;
  _alerts: Map<string, Alert>;
  _buckets: Bucket[];
  _audit: {
    tenantId: string;
    at: string;
    clientId: string;
    action: string;
    target: string;
    change?: unknown;
  }[];
} {
  const tenants = new Map<string, Tenant>();
  const tokens = new Map<string, ApiToken>();
  const issues = new Map<string, Issue>();
  const mentions = new Map<string, Mention[]>();
  const alerts = new Map<string, Alert>();
  const subscribers = new Map<string, Subscriber[]>();
  const buckets: Bucket[] = [];
  const statuses = new Map<string, SourceStatus>();
  const audit: {
    tenantId: string;
    at: string;
    clientId: string;
    action: string;
    target: string;
    change?: unknown;
  }[] = [];
  // As in DynamoDB: one correction record per mention (a new one replaces it), and the model's
  // own label and version set aside on the mention at its first correction.
  const corrections = new Map<string, CorrectionRecord>();
  const modelScores = new Map<string, { label: SentimentLabel; version: string }>();
  const ORIGINS = ['manual', 'review-sample', 'review-uncertain'];
  const key = randomBytes(16);
  const sign = (body: string) => createHmac('sha256', key).update(body).digest('base64url');

  function sortKey(m: Mention): string {
    return mentionSk(m.createdAt, m.source, m.sourceId);
  }

  function encodeCursor(issueId: string, order: string, sk: string): string {
    const body = Buffer.from(JSON.stringify({ issueId, order, sk })).toString('base64url');
    return `${body}.${sign(body)}`;
  }

  function decodeCursor(issueId: string, order: string, cursor: string): string {
    const [body = '', sig = '', extra] = cursor.split('.');
    if (extra !== undefined || sig !== sign(body)) throw new ValidationError('Invalid cursor');
    const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<
      string,
      string
    >;
    if (parsed.issueId !== issueId || parsed.order !== order || !parsed.sk) {
      throw new ValidationError('Invalid cursor');
    }
    return parsed.sk;
  }

  const repos: Repositories = {
    tenants: {
      async put(t) {
        tenants.set(t.id, clone(t));
      },
      async get(id) {
        return clone(tenants.get(id));
      },
      async list() {
        return [...tenants.values()].map(clone);
      },
      async putToken(t) {
        tokens.set(t.hash, clone(t));
      },
      async getToken(hash) {
        return clone(tokens.get(hash));
      },
      async listTokens(tenantId) {
        return [...tokens.values()].filter((t) => t.tenantId === tenantId).map(clone);
      },
      async revokeToken(tenantId, tokenId, at) {
        for (const t of tokens.values()) {
          if (t.tenantId === tenantId && t.id === tokenId) {
            t.revokedAt ??= at;
            return true;
          }
        }
        return false;
      },
    },
    issues: {
      async create(issue) {
        const k = `${issue.tenantId}/${issue.id}`;
        if (issues.has(k)) throw new ConflictError('Issue exists');
        issues.set(k, clone(issue));
      },
      async get(tenantId, issueId) {
        return clone(issues.get(`${tenantId}/${issueId}`));
      },
      async list(tenantId) {
        return [...issues.values()].filter((i) => i.tenantId === tenantId).map(clone);
      },
      async update(issue) {
        const k = `${issue.tenantId}/${issue.id}`;
        if (!issues.has(k)) throw new NotFoundError('Issue');
        issues.set(k, clone(issue));
      },
      async delete(tenantId, issueId) {
        return issues.delete(`${tenantId}/${issueId}`);
      },
      async listActive() {
        return [...issues.values()].filter((i) => i.status === 'active').map(clone);
      },
    },
    mentions: {
      async putNew(m) {
        const list = mentions.get(m.issueId) ?? [];
        if (list.some((x) => sortKey(x) === sortKey(m))) return false;
        const stored = clone(m);
        stored.id = encodeMentionId(m.issueId, sortKey(m));
        list.push(stored);
        list.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
        mentions.set(m.issueId, list);
        return true;
      },
      async get(id) {
        for (const list of mentions.values()) {
          const m = list.find((x) => x.id === id);
          if (m) return clone(m);
        }
        return undefined;
      },
      async query(issueId, q: MentionQuery): Promise<Page<Mention>> {
        const all = (mentions.get(issueId) ?? []).filter(
          (m) => sortKey(m) >= `M#${q.from}` && sortKey(m) < `M#${q.to}`,
        );
        if (q.order === 'desc') all.reverse();
        let start = 0;
        if (q.cursor) {
          const after = decodeCursor(issueId, q.order, q.cursor);
          start = all.findIndex((m) =>
            q.order === 'asc' ? sortKey(m) > after : sortKey(m) < after,
          );
          if (start === -1) start = all.length;
        }
        // Like DynamoDB, the limit bounds items read; filters then drop some of them.
        const read = all.slice(start, start + q.limit);
        const items = read.filter(
          (m) =>
            (!q.sentiment || m.sentiment?.label === q.sentiment) &&
            (!q.source || m.source === q.source) &&
            (!q.lang || (m.detectedLang ?? m.lang) === q.lang),
        );
        const last = read[read.length - 1];
        const more = start + q.limit < all.length;
        return {
          items: items.map(clone),
          ...(more && last ? { nextCursor: encodeCursor(issueId, q.order, sortKey(last)) } : {}),
        };
      },
      async recordScores(writes) {
        let applied = 0;
        let alreadyScored = 0;
        for (const w of writes) {
          const m = (mentions.get(w.mention.issueId) ?? []).find((x) => x.id === w.mention.id);
          if (!m || m.sentiment) {
            alreadyScored++;
            continue;
          }
          m.sentiment = clone(w.sentiment);
          m.detectedLang = w.detectedLang;
          applied++;
        }
        return { applied, alreadyScored };
      },
      async correct(mention, label, by, at, origin = 'manual') {
        if (!ORIGINS.includes(origin)) throw new ValidationError(`Unknown origin '${origin}'`);
        const m = (mentions.get(mention.issueId) ?? []).find((x) => x.id === mention.id);
        if (!m || m.tenantId !== mention.tenantId) throw new NotFoundError('Mention');
        const prior = m.sentiment;
        if (prior && prior.engine !== 'correction' && !modelScores.has(m.id)) {
          modelScores.set(m.id, { label: prior.label, version: prior.model });
        }
        const model = modelScores.get(m.id);
        m.sentiment = {
          label,
          scores: { POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0, [label]: 1 },
          engine: 'correction',
          model: 'official',
          scoredAt: at,
        };
        corrections.set(m.id, {
          tenantId: m.tenantId,
          issueId: m.issueId,
          mentionId: m.id,
          text: m.text,
          label,
          ...(prior ? { previousLabel: prior.label } : {}),
          ...(model ? { modelLabel: model.label, model: model.version } : {}),
          origin,
          by,
          at,
        });
        return { previous: prior?.label };
      },
      async listCorrections(opts = {}) {
        return [...corrections.values()]
          .filter((c) => opts.origin === undefined || c.origin === opts.origin)
          .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
          .map(({ text, label, by, at }) => ({ text, label, by, at }));
      },
      async listIssueCorrections(issueId, from, to) {
        if (!(from < to)) throw new ValidationError("'from' must be before 'to'");
        return [...corrections.values()]
          .filter((c) => c.issueId === issueId && c.at >= from && c.at < to)
          .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
          .map(clone);
      },
    },
    buckets: {
      async query(issueId, width, from, to) {
        return buckets
          .filter(
            (b) => b.issueId === issueId && b.width === width && b.start >= from && b.start < to,
          )
          .sort((a, b) => (a.start < b.start ? -1 : 1))
          .map(clone);
      },
    },
    detector: {
      async get() {
        return undefined;
      },
      async put() {},
    },
    alerts: {
      async create(a) {
        if (alerts.has(a.id)) return false;
        alerts.set(a.id, clone(a));
        return true;
      },
      async get(id) {
        return clone(alerts.get(id));
      },
      async markNotified(a, at) {
        const s = alerts.get(a.id);
        if (s) s.notifiedAt = at;
      },
      async markDelivered(a, parts) {
        const s = alerts.get(a.id);
        if (s) s.deliveredParts = [...new Set(parts)];
      },
      async listByIssue(issueId, limit) {
        return [...alerts.values()]
          .filter((a) => a.issueId === issueId)
          .sort((a, b) => (a.raisedAt < b.raisedAt ? 1 : -1))
          .slice(0, limit)
          .map(clone);
      },
      async listByTenant(tenantId, status, limit) {
        return [...alerts.values()]
          .filter((a) => a.tenantId === tenantId && (!status || a.status === status))
          .sort((a, b) => (a.raisedAt < b.raisedAt ? 1 : -1))
          .slice(0, limit)
          .map(clone);
      },
      async setStatus(a, status, by, at, note) {
        const s = alerts.get(a.id);
        if (!s) throw new NotFoundError('Alert');
        s.status = status;
        if (status === 'acknowledged') {
          s.acknowledgedAt = at;
          s.acknowledgedBy = by;
        }
        if (status === 'resolved') {
          s.resolvedAt = at;
          s.resolvedBy = by;
        }
        if (note !== undefined) s.note = note;
        return clone(s);
      },
    },
    subscribers: {
      async list(issueId) {
        return (subscribers.get(issueId) ?? []).map(clone);
      },
      async add(sub) {
        // As in DynamoDB: adding the same subscriber id again replaces it.
        const others = (subscribers.get(sub.issueId) ?? []).filter((s) => s.id !== sub.id);
        subscribers.set(sub.issueId, [...others, clone(sub)]);
      },
      async remove(issueId, subId) {
        const list = subscribers.get(issueId) ?? [];
        const next = list.filter((s) => s.id !== subId);
        subscribers.set(issueId, next);
        return next.length !== list.length;
      },
    },
    cursors: {
      async get() {
        return undefined;
      },
      async put() {},
    },
    sourceStatus: {
      async put(s) {
        statuses.set(s.source, clone(s));
      },
      async list() {
        return [...statuses.values()].map(clone);
      },
    },
    audit: {
      async record(entry) {
        audit.push(clone(entry));
      },
      async list(tenantId, limit) {
        return audit
          .filter((e) => e.tenantId === tenantId)
          .reverse()
          .slice(0, limit)
          .map(({ tenantId: _t, ...rest }) => clone(rest));
      },
    },
  };
  return Object.assign(repos, {
    _mentions: mentions,
    _alerts: alerts,
    _buckets: buckets,
    _audit: audit,
  });
}

export { createFakeRepositories };
