/** Builders and a small client for API tests; shared by unit, integration and bench code. */
import { createApi } from '../../../lib/api/app.ts';
import { createLocalTokenAuthenticator, issueLocalToken } from '../../../lib/api/auth.ts';
import type { Api, ApiDeps, ApiResponse } from '../../../lib/api/types.ts';
import type { Repositories } from '../../../lib/domain/ports.ts';
import type {
  Alert,
  AlertLevel,
  Mention,
  SentimentLabel,
  SourceName,
} from '../../../lib/domain/types.ts';
import { alertSk, encodeAlertId, encodeMentionId, mentionSk } from '../../../lib/storage/keys.ts';

interface CallOptions {
  token?: string;
  body?: unknown;
  rawBody?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

interface CallResult {
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response JSON by path; the contract test checks shapes.
  json: any;
  raw: ApiResponse;
}

function client(api: Api) {
  return async (method: string, path: string, opts: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body = opts.rawBody;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const raw = await api({ method, path, query: opts.query ?? {}, headers, body });
    return {
      status: raw.status,
      headers: raw.headers,
      json: raw.body ? JSON.parse(raw.body) : undefined,
      raw,
    };
  };
}

async function tenantWithTokens(repos: Repositories, tenantId: string, now = new Date()) {
  await repos.tenants.put({
    id: tenantId,
    name: `Tenant ${tenantId}`,
    createdAt: now.toISOString(),
  });
  const mint = async (scopes: string[]) =>
    (await issueLocalToken(repos.tenants, { tenantId, scopes, name: scopes.join('+'), now })).token;
  return {
    read: await mint(['pantau/read']),
    write: await mint(['pantau/write']),
    admin: await mint(['pantau/admin']),
  };
}

function buildApi(repos: Repositories, extra: Partial<ApiDeps> = {}): Api {
  return createApi({
    repos,
    authenticator: createLocalTokenAuthenticator(repos.tenants),
    ...extra,
  });
}

const SOURCES: SourceName[] = ['x', 'bluesky', 'mastodon', 'rss', 'youtube'];
const LABELS: SentimentLabel[] = ['POSITIVE', 'NEGATIVE', 'NEUTRAL', 'MIXED'];

function makeMention(
  tenantId: string,
  issueId: string,
  i: number,
  base: Date,
  overrides: Partial<Mention> = {},
): Mention {
  const createdAt = new Date(base.getTime() - i * 60_000).toISOString();
  const source = overrides.source ?? (SOURCES[i % SOURCES.length] as SourceName);
  const sourceId = overrides.sourceId ?? `p${i}`;
  const label = LABELS[i % LABELS.length] as SentimentLabel;
  return {
    tenantId,
    issueId,
    id: encodeMentionId(issueId, mentionSk(overrides.createdAt ?? createdAt, source, sourceId)),
    source,
    sourceId,
    url: `https://example.org/${source}/${sourceId}`,
    author: { handle: `user${i % 7}`, name: `User ${i % 7}` },
    text: `Harga beras naik lagi #beras #harga${i % 3} nomor ${i}`,
    createdAt,
    collectedAt: createdAt,
    lang: 'id',
    engagement: { likes: (i * 7) % 50, reposts: i % 5, replies: i % 3 },
    sentiment: {
      label,
      scores: { POSITIVE: 0.1, NEGATIVE: 0.1, NEUTRAL: 0.1, MIXED: 0.1, [label]: 0.7 },
      engine: 'builtin',
      model: 'test',
      scoredAt: createdAt,
    },
    detectedLang: 'id',
    ...overrides,
  };
}

function makeAlert(
  tenantId: string,
  issueId: string,
  episodeStart: string,
  level: AlertLevel = 'WASPADA',
): Alert {
  return {
    tenantId,
    issueId,
    issueName: 'Harga beras',
    id: encodeAlertId(issueId, alertSk(episodeStart, level)),
    episodeStart,
    level,
    state: 'raised',
    raisedAt: episodeStart,
    status: 'open',
    evidence: {
      windowStart: episodeStart,
      windowEnd: new Date(Date.parse(episodeStart) + 300_000).toISOString(),
      negative: 40,
      total: 60,
      baseline: 5,
      deviation: 2,
      ratio: 8,
      negativeShare: 0.66,
      trend: [3, 4, 5, 40],
      topMentions: [{ id: 'm1', url: 'https://example.org/1', text: 'buruk', engagement: 10 }],
      reason: 'negative mentions 8x baseline',
    },
  };
}

export type { CallResult };
export { buildApi, client, makeAlert, makeMention, tenantWithTokens };
