/** The /v1 API client: bearer token, JSON both ways, typed errors from `{"error":{code,message}}`. */
import type {
  Alert,
  AlertStatus,
  BucketWidth,
  CorrectionOrigin,
  Issue,
  Mention,
  Page,
  ReviewMode,
  ReviewQueue,
  SentimentLabel,
  SentimentQuality,
  SourceStatusView,
  Stats,
  Subscriber,
} from './types.ts';

class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  /** On a 429: when to try again, from `Retry-After` (whole seconds), if the answer said. */
  readonly retryAfterSeconds: number | undefined;
  constructor(status: number, code: string, message: string, retryAfterSeconds?: number) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** `Retry-After` as delay-seconds; the HTTP-date form and anything else count as unknown. */
function retryAfterOf(res: Response): number | undefined {
  const raw = res.headers.get('retry-after');
  if (raw === null || !/^\d{1,6}$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}

type Query = Record<string, string | number | boolean | undefined>;

interface ApiClient {
  issues(): Promise<Issue[]>;
  issue(id: string): Promise<Issue>;
  stats(
    issueId: string,
    q: { interval: BucketWidth; from?: string; to?: string; breakdown?: boolean },
  ): Promise<Stats>;
  mentions(issueId: string, q: Query): Promise<Page<Mention>>;
  alerts(status?: AlertStatus): Promise<Alert[]>;
  issueAlerts(issueId: string): Promise<Alert[]>;
  alert(id: string): Promise<Alert>;
  transition(id: string, action: 'ack' | 'resolve', note?: string): Promise<Alert>;
  /** Without an origin the body stays `{label}`, what the API has always accepted (manual). */
  correct(
    mentionId: string,
    label: SentimentLabel,
    origin?: CorrectionOrigin,
  ): Promise<{
    id: string;
    label: SentimentLabel;
    previous?: SentimentLabel;
    origin?: CorrectionOrigin;
  }>;
  review(issueId: string, q: { mode: ReviewMode; limit?: number }): Promise<ReviewQueue>;
  sentimentQuality(issueId: string): Promise<SentimentQuality>;
  /** `GET /v1/sources/status`: each collector's last run, shared by every tenant. */
  sourcesStatus(): Promise<SourceStatusView[]>;
  /** Whether this token may write: `GET /v1/me` names its effective scopes. */
  writeAccess(): Promise<boolean>;
  subscribers(issueId: string): Promise<Subscriber[]>;
  addSubscriber(
    issueId: string,
    body: Pick<Subscriber, 'channel' | 'address' | 'minLevel' | 'lang'>,
  ): Promise<Subscriber>;
  removeSubscriber(issueId: string, subId: string): Promise<void>;
  /** Confirms an email subscriber with the link from AWS's confirmation email. */
  confirmSubscriber(issueId: string, subId: string, confirmation: string): Promise<Subscriber>;
}

function queryString(q: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

function createApiClient(opts: {
  baseUrl: string;
  token: () => string | undefined;
  onUnauthorized: () => void;
  fetchImpl?: typeof fetch;
}): ApiClient {
  const doFetch = opts.fetchImpl ?? fetch.bind(globalThis);
  const enc = encodeURIComponent;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = opts.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(`${opts.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ApiError(res.status, 'bad_response', `HTTP ${res.status}: not JSON`);
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      if (res.status === 401) opts.onUnauthorized();
      throw new ApiError(
        res.status,
        err?.code ?? 'http_error',
        err?.message ?? `HTTP ${res.status}`,
        res.status === 429 ? retryAfterOf(res) : undefined,
      );
    }
    return json as T;
  }

  return {
    issues: async () => (await call<Page<Issue>>('GET', '/v1/issues')).items,
    issue: (id) => call('GET', `/v1/issues/${enc(id)}`),
    stats: (issueId, q) => call('GET', `/v1/issues/${enc(issueId)}/stats${queryString(q)}`),
    mentions: (issueId, q) => call('GET', `/v1/issues/${enc(issueId)}/mentions${queryString(q)}`),
    alerts: async (status) =>
      (await call<Page<Alert>>('GET', `/v1/alerts${queryString({ status, limit: 200 })}`)).items,
    issueAlerts: async (issueId) =>
      (await call<Page<Alert>>('GET', `/v1/issues/${enc(issueId)}/alerts`)).items,
    alert: (id) => call('GET', `/v1/alerts/${enc(id)}`),
    transition: (id, action, note) =>
      call('POST', `/v1/alerts/${enc(id)}/${action}`, note ? { note } : {}),
    correct: (mentionId, label, origin) =>
      call(
        'POST',
        `/v1/mentions/${enc(mentionId)}/sentiment`,
        origin ? { label, origin } : { label },
      ),
    review: (issueId, q) => call('GET', `/v1/issues/${enc(issueId)}/review${queryString(q)}`),
    sentimentQuality: (issueId) => call('GET', `/v1/issues/${enc(issueId)}/sentiment-quality`),
    sourcesStatus: async () =>
      (await call<Page<SourceStatusView>>('GET', '/v1/sources/status')).items,
    writeAccess: async () => {
      const me = await call<{ scopes: string[] }>('GET', '/v1/me');
      return me.scopes.includes('pantau/write');
    },
    subscribers: async (issueId) =>
      (await call<Page<Subscriber>>('GET', `/v1/issues/${enc(issueId)}/subscribers`)).items,
    addSubscriber: (issueId, body) => call('POST', `/v1/issues/${enc(issueId)}/subscribers`, body),
    removeSubscriber: (issueId, subId) =>
      call('DELETE', `/v1/issues/${enc(issueId)}/subscribers/${enc(subId)}`),
    confirmSubscriber: (issueId, subId, confirmation) =>
      call('POST', `/v1/issues/${enc(issueId)}/subscribers/${enc(subId)}/confirm`, {
        confirmation,
      }),
  };
}

export type { ApiClient };
export { ApiError, createApiClient, queryString };
