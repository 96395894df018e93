/**
 * X (Twitter) API v2 recent search, one scope per issue.
 *
 * Paging keeps no gap: the first page's `meta.newest_id` becomes the next `since_id` only once
 * every page of the run's search has been read. When the page cap or the deadline stops a run
 * early, the cursor keeps the old `since_id` plus the pending `next_token` (tokens do not expire),
 * and the next run finishes that search before starting a new one.
 */
import { SourceAuthError, SourceError, SourceQuotaExhaustedError } from '../domain/errors.ts';
import type { CollectContext, CollectScope, FetchResult, SourceAdapter } from '../domain/ports.ts';
import type { Issue, Post } from '../domain/types.ts';
import type { Log } from '../runtime/log.ts';
import { type CredentialStore, requireCredential } from './credentials.ts';
import { type HttpClient, type HttpResponse, parseJsonBody } from './http.ts';
import { compileIssueQuery, issueScopes } from './issue-search.ts';

export const X_DEFAULT_ENDPOINT = 'https://api.x.com';

const TWEET_FIELDS =
  'created_at,lang,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,public_metrics,entities,geo';
const EXPANSIONS = 'author_id,referenced_tweets.id,geo.place_id';
const USER_FIELDS = 'username,name,verified,location,public_metrics';
const PLACE_FIELDS = 'full_name,country_code';
const USAGE_CAPPED = 'https://api.twitter.com/2/problems/usage-capped';

export interface XAdapterOptions {
  http: HttpClient;
  credentials: CredentialStore;
  /** Base URL, e.g. a fake server's; default https://api.x.com. */
  endpoint?: string;
  /** Pages per scope per run (100 posts each). Default 5. */
  maxPages?: number;
  /** How far back the very first run of a scope looks. Default 60 minutes. */
  initialLookbackMinutes?: number;
  /** A page is not started with less time than this before the deadline. Default 3,000 ms. */
  pageReserveMs?: number;
  now?: () => number;
  log?: Log;
}

/** The stored cursor of one scope. */
export type XCursor = {
  /** `since_id` of the search being paged (the newest id of the last completed search). */
  sinceId?: string;
  /** Set while a search is paged over several runs. */
  nextToken?: string;
  /** The first page's newest id of the search being paged. */
  pendingNewestId?: string;
  /** `start_time` of a first search (no since_id yet) being paged: a next_token needs it unchanged. */
  startTime?: string;
  /** The query the cursor belongs to: a changed issue query starts afresh. */
  query?: string;
};

interface XUser {
  id: string;
  username?: string;
  name?: string;
  public_metrics?: { followers_count?: number };
}

interface XUrlEntity {
  start: number;
  end: number;
  url?: string;
  expanded_url?: string;
}

interface XTweet {
  id: string;
  text: string;
  author_id?: string;
  created_at?: string;
  lang?: string;
  referenced_tweets?: { type: string; id: string }[];
  public_metrics?: {
    retweet_count?: number;
    reply_count?: number;
    like_count?: number;
    quote_count?: number;
    impression_count?: number;
  };
  entities?: { urls?: XUrlEntity[] };
}

interface XProblem {
  title?: string;
  detail?: string;
  type?: string;
  status?: number;
  message?: string;
  code?: number;
}

interface XSearchResponse {
  data?: XTweet[];
  includes?: { users?: XUser[] };
  meta?: { newest_id?: string; oldest_id?: string; result_count?: number; next_token?: string };
  errors?: XProblem[];
  // Problem details at the top level on errors.
  title?: string;
  detail?: string;
  type?: string;
}

/**
 * Replaces t.co links with their expanded URLs. X's entity offsets count Unicode code points,
 * so the text is indexed as an array of code points, never by UTF-16 units.
 */
export function expandUrls(text: string, urls: XUrlEntity[] | undefined): string {
  if (!urls || urls.length === 0) return text;
  const points = [...text];
  const sorted = [...urls].sort((a, b) => b.start - a.start);
  for (const u of sorted) {
    if (!u.expanded_url || u.start < 0 || u.end > points.length || u.start >= u.end) continue;
    // Only replace when the span really is the short link: protects against offset drift.
    const span = points.slice(u.start, u.end).join('');
    if (u.url && span !== u.url) continue;
    points.splice(u.start, u.end - u.start, u.expanded_url);
  }
  return points.join('');
}

/** X escapes these three in `text` (not in entities). */
function unescapeXText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** X's `in` is Indonesian; `qme`, `qht`, `zxx` and friends say "no language". */
export function normalizeXLang(lang: string | undefined): string {
  if (!lang) return 'und';
  const primary = lang.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  if (primary === 'in') return 'id';
  if (primary === '' || primary === 'zxx' || /^q[a-t][a-z]$/.test(primary)) return 'und';
  return primary;
}

function toIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

export function normalizeXTweet(tweet: XTweet, users: Map<string, XUser>): Post | undefined {
  const createdAt = toIso(tweet.created_at);
  if (!tweet.id || typeof tweet.text !== 'string' || !createdAt) return undefined;
  const user = tweet.author_id ? users.get(tweet.author_id) : undefined;
  const refs = tweet.referenced_tweets ?? [];
  const m = tweet.public_metrics ?? {};
  const post: Post = {
    source: 'x',
    sourceId: tweet.id,
    url: user?.username
      ? `https://x.com/${user.username}/status/${tweet.id}`
      : `https://x.com/i/web/status/${tweet.id}`,
    author: {
      id: tweet.author_id,
      handle: user?.username,
      name: user?.name,
      followers: user?.public_metrics?.followers_count,
    },
    text: unescapeXText(expandUrls(tweet.text, tweet.entities?.urls)),
    createdAt,
    lang: normalizeXLang(tweet.lang),
    engagement: {
      likes: m.like_count,
      reposts: m.retweet_count,
      replies: m.reply_count,
      quotes: m.quote_count,
      views: m.impression_count,
    },
  };
  const replyTo = refs.find((r) => r.type === 'replied_to')?.id;
  const quoteOf = refs.find((r) => r.type === 'quoted')?.id;
  if (replyTo) post.replyTo = replyTo;
  if (quoteOf) post.quoteOf = quoteOf;
  return post;
}

function problemOf(body: unknown): XProblem | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as XSearchResponse;
  if (b.type || b.title) return { type: b.type, title: b.title, detail: b.detail };
  return b.errors?.[0];
}

function tryJson(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.text);
  } catch {
    return undefined;
  }
}

function isUsageCapped(res: HttpResponse): boolean {
  if (res.status < 400) return false;
  const p = problemOf(tryJson(res));
  return p?.type === USAGE_CAPPED || p?.title === 'UsageCapExceeded';
}

function nextUtcMidnight(now: number): Date {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
}

function describe(p: XProblem | undefined): string {
  if (!p) return 'no problem details';
  return [p.title, p.detail ?? p.message].filter(Boolean).join(': ') || (p.type ?? 'unknown');
}

export function createXAdapter(opts: XAdapterOptions): SourceAdapter {
  const endpoint = (opts.endpoint ?? X_DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const maxPages = opts.maxPages ?? 5;
  const lookbackMs = (opts.initialLookbackMinutes ?? 60) * 60_000;
  const reserveMs = opts.pageReserveMs ?? 3000;
  const now = opts.now ?? Date.now;

  const scopes = (issues: Issue[]): CollectScope[] => issueScopes('x', issues);
  const compile = (issue: Issue): string | undefined => compileIssueQuery('x', issue);

  function check(res: HttpResponse): XSearchResponse {
    if (isUsageCapped(res)) {
      throw new SourceQuotaExhaustedError('x', nextUtcMidnight(now()), {
        cause: new Error(describe(problemOf(tryJson(res)))),
      });
    }
    if (res.status === 401 || res.status === 403) {
      throw new SourceAuthError(
        'x',
        `X refused the bearer token (HTTP ${res.status}): ${describe(problemOf(tryJson(res)))}`,
      );
    }
    if (res.status === 400) {
      throw new SourceError(
        'x',
        'bad_request',
        `X rejected the search (HTTP 400): ${describe(problemOf(tryJson(res)))}`,
      );
    }
    if (res.status !== 200) {
      throw new SourceError(
        'x',
        'unexpected_status',
        `X answered HTTP ${res.status}: ${describe(problemOf(tryJson(res)))}`,
      );
    }
    const body = parseJsonBody<XSearchResponse>(res, 'x');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new SourceError('x', 'malformed_response', 'X returned JSON that is not an object');
    }
    if (body.data !== undefined && !Array.isArray(body.data)) {
      throw new SourceError('x', 'malformed_response', 'X returned `data` that is not an array');
    }
    if (!body.data && !body.meta && body.errors?.length) {
      throw new SourceError('x', 'search_failed', `X search failed: ${describe(body.errors[0])}`);
    }
    return body;
  }

  async function fetch(
    scope: CollectScope,
    cursor: Record<string, unknown> | undefined,
    ctx: CollectContext,
  ): Promise<FetchResult> {
    const issue = scope.issues[0];
    if (!issue) return { posts: [], requests: 0 };
    const query = compile(issue);
    if (query === undefined) return { posts: [], requests: 0 };
    const token = await requireCredential(opts.credentials, 'X_BEARER_TOKEN', 'x');

    const stored = (cursor ?? {}) as XCursor;
    // A changed query makes the old since_id and next_token meaningless.
    const prev: XCursor = stored.query === query ? stored : {};
    let sinceId = prev.sinceId;
    let nextToken = prev.nextToken;
    let newestId = prev.pendingNewestId;
    let startTime =
      sinceId === undefined
        ? ((nextToken ? prev.startTime : undefined) ??
          new Date(ctx.now.getTime() - lookbackMs).toISOString())
        : undefined;
    const posts: Post[] = [];
    let requests = 0;
    let partialErrors = 0;

    for (let page = 0; page < maxPages; page++) {
      if (page > 0 && ctx.deadline - now() < reserveMs) break;
      const params = new URLSearchParams({
        query,
        max_results: '100',
        'tweet.fields': TWEET_FIELDS,
        expansions: EXPANSIONS,
        'user.fields': USER_FIELDS,
        'place.fields': PLACE_FIELDS,
      });
      if (sinceId) params.set('since_id', sinceId);
      else if (startTime) params.set('start_time', startTime);
      if (nextToken) params.set('next_token', nextToken);
      requests++;
      const res = await opts.http.request({
        url: `${endpoint}/2/tweets/search/recent?${params}`,
        headers: { authorization: `Bearer ${token}` },
        source: 'x',
        deadline: ctx.deadline,
        signal: ctx.signal,
        noRetry: isUsageCapped,
      });
      if (res.status === 401) opts.credentials.invalidate();
      if (res.status === 400 && sinceId && /since_id/i.test(res.text)) {
        // A since_id older than the 7-day window (collector down for a week) is refused for
        // good: start over from the lookback window rather than fail every run.
        opts.log?.warn('X refused the stored since_id; restarting from the lookback window', {
          scope: scope.scope,
        });
        sinceId = undefined;
        nextToken = undefined;
        newestId = undefined;
        startTime = new Date(ctx.now.getTime() - lookbackMs).toISOString();
        page--;
        continue;
      }
      const body = check(res);
      if (body.errors?.length) {
        partialErrors += body.errors.length;
        opts.log?.warn('X returned partial errors next to data', {
          count: body.errors.length,
          first: describe(body.errors[0]),
        });
      }
      const users = new Map((body.includes?.users ?? []).map((u) => [u.id, u]));
      for (const tweet of body.data ?? []) {
        const post = normalizeXTweet(tweet, users);
        if (post) posts.push(post);
        else opts.log?.warn('X post without id, text or created_at skipped', { id: tweet?.id });
      }
      // The newest id of the whole search is on its first page only.
      if (!nextToken) newestId = body.meta?.newest_id;
      nextToken = body.meta?.next_token;
      if (!nextToken) break;
    }

    let next: XCursor;
    if (nextToken) {
      next = { query, nextToken };
      if (sinceId) next.sinceId = sinceId;
      else if (startTime) next.startTime = startTime;
      if (newestId) next.pendingNewestId = newestId;
    } else {
      const newest = newestId ?? sinceId;
      next = newest ? { query, sinceId: newest } : { query };
    }
    if (partialErrors > 0) opts.log?.info('X partial errors this run', { partialErrors });
    return { posts, cursor: { ...next }, requests };
  }

  return { name: 'x', scopes, fetch };
}
