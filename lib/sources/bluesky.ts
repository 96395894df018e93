/**
 * Bluesky `app.bsky.feed.searchPosts` through the account's PDS, one scope per issue.
 *
 * Search needs a logged-in session since 2025, so the adapter logs in with an app password
 * (`com.atproto.server.createSession`), keeps the tokens in a session store reused across runs,
 * renews the access JWT with the refresh JWT when it expires (`ExpiredToken`), and logs in again
 * only when the refresh JWT is dead too. createSession is limited to 30 per 5 minutes and 300 per
 * day per account: one login is shared by every scope of a run, and after a 429 no scope tries
 * again until the reset.
 *
 * Paging keeps no gap: while a search is paged over several runs the cursor keeps the old `since`
 * and the pending page cursor; `since` moves to the newest post only once the paging is done.
 */
import { SourceAuthError, SourceError, SourceRateLimitedError } from '../domain/errors.ts';
import type {
  CollectContext,
  CollectScope,
  CursorRepository,
  FetchResult,
  SourceAdapter,
} from '../domain/ports.ts';
import type { Issue, Post } from '../domain/types.ts';
import { normalizeLang } from '../query/index.ts';
import type { Log } from '../runtime/log.ts';
import { type CredentialStore, requireCredential } from './credentials.ts';
import { type HttpClient, type HttpResponse, parseJsonBody } from './http.ts';
import { compileIssueQuery, issueScopes } from './issue-search.ts';

export const BLUESKY_DEFAULT_PDS = 'https://bsky.social';

/** Overlap of successive searches: `since` filters on sortAt, which can trail indexedAt a bit. */
const SINCE_OVERLAP_MS = 60_000;

/** A refused password is not tried again by this process for this long. */
const LOGIN_RETRY_AFTER_FAILURE_MS = 10 * 60_000;

export interface Session {
  accessJwt: string;
  refreshJwt: string;
  did: string;
  handle: string;
}

export interface SessionStore {
  load(): Promise<Session | undefined>;
  save(s: Session): Promise<void>;
}

export function createMemorySessionStore(initial?: Session): SessionStore {
  let session = initial;
  return {
    load: async () => session,
    save: async (s) => {
      session = s;
    },
  };
}

/**
 * Persists the session as a cursor item (`CURSOR#bluesky` / `session`), so Lambda invocations and
 * local runs reuse one login instead of spending the daily createSession budget.
 */
export function createCursorSessionStore(
  cursors: CursorRepository,
  scope = 'session',
): SessionStore {
  return {
    async load() {
      const item = await cursors.get('bluesky', scope);
      if (
        item &&
        typeof item.accessJwt === 'string' &&
        typeof item.refreshJwt === 'string' &&
        typeof item.did === 'string'
      ) {
        return {
          accessJwt: item.accessJwt,
          refreshJwt: item.refreshJwt,
          did: item.did,
          handle: typeof item.handle === 'string' ? item.handle : '',
        };
      }
      return undefined;
    },
    save: (s) => cursors.put('bluesky', scope, { ...s }),
  };
}

export interface BlueskyAdapterOptions {
  http: HttpClient;
  credentials: CredentialStore;
  sessions: SessionStore;
  /** PDS base URL; default BLUESKY_PDS or https://bsky.social. */
  endpoint?: string;
  /** Pages per scope per run. Default 5. */
  maxPages?: number;
  /** Posts per page (`limit`, 1–100). Default 100. */
  pageSize?: number;
  /** How far back the first search of a scope looks. Default 60 minutes. */
  initialLookbackMinutes?: number;
  pageReserveMs?: number;
  now?: () => number;
  log?: Log;
}

export type BlueskyCursor = {
  query?: string;
  /** Lower bound (ISO) of the search being paged or of the next one. */
  since?: string;
  /** Page cursor of a search being paged over several runs. */
  pageCursor?: string;
  /** Newest post time of the search being paged (ISO). */
  pendingNewest?: string;
};

interface Facet {
  index?: { byteStart?: number; byteEnd?: number };
  features?: { $type?: string; uri?: string; did?: string; tag?: string }[];
}

interface PostView {
  uri: string;
  cid?: string;
  author?: { did?: string; handle?: string; displayName?: string };
  record?: {
    text?: string;
    createdAt?: string;
    langs?: string[];
    facets?: Facet[];
    reply?: { parent?: { uri?: string }; root?: { uri?: string } };
    embed?: { $type?: string; record?: { uri?: string; record?: { uri?: string } } };
  };
  embed?: { $type?: string; record?: { uri?: string; record?: { uri?: string } } };
  replyCount?: number;
  repostCount?: number;
  likeCount?: number;
  quoteCount?: number;
  indexedAt?: string;
}

interface XrpcError {
  error?: string;
  message?: string;
}

export interface FacetSpan {
  /** UTF-16 offsets into the JS string. */
  start: number;
  end: number;
  kind: 'link' | 'mention' | 'tag';
  value: string;
}

/**
 * Facet ranges are UTF-8 byte offsets; JS strings index UTF-16 units. Offsets that fall inside a
 * character or outside the text are dropped, as the Bluesky app does.
 */
export function facetSpans(text: string, facets: Facet[] | undefined): FacetSpan[] {
  if (!facets?.length) return [];
  const byteToIndex = new Map<number, number>();
  let bytes = 0;
  let index = 0;
  for (const ch of text) {
    byteToIndex.set(bytes, index);
    const cp = ch.codePointAt(0) as number;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    index += ch.length;
  }
  byteToIndex.set(bytes, index);
  const spans: FacetSpan[] = [];
  for (const facet of facets) {
    const start = byteToIndex.get(facet.index?.byteStart ?? -1);
    const end = byteToIndex.get(facet.index?.byteEnd ?? -1);
    if (start === undefined || end === undefined || end <= start) continue;
    for (const f of facet.features ?? []) {
      if (f.$type === 'app.bsky.richtext.facet#link' && f.uri) {
        spans.push({ start, end, kind: 'link', value: f.uri });
      } else if (f.$type === 'app.bsky.richtext.facet#mention' && f.did) {
        spans.push({ start, end, kind: 'mention', value: f.did });
      } else if (f.$type === 'app.bsky.richtext.facet#tag' && f.tag) {
        spans.push({ start, end, kind: 'tag', value: f.tag });
      }
    }
  }
  return spans;
}

/**
 * Apps shorten long links in the text (`antaranews.com/berita/51...`) and keep the full URL in a
 * link facet; the text gets the full URL back so matching and officials see the real link. Link
 * text that is not a shortening of its URL (a custom label) is left alone.
 */
export function expandLinkFacets(text: string, facets: Facet[] | undefined): string {
  const links = facetSpans(text, facets)
    .filter((s) => s.kind === 'link')
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const link of links) {
    const shown = out.slice(link.start, link.end).replace(/(\.\.\.|…)$/, '');
    const bare = link.value.replace(/^https?:\/\//, '');
    const candidates = [link.value, bare, bare.replace(/^www\./, '')];
    if (shown === '' || !candidates.some((c) => c.startsWith(shown))) continue;
    out = out.slice(0, link.start) + link.value + out.slice(link.end);
  }
  return out;
}

function toIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

export function normalizeBlueskyPost(view: PostView): Post | undefined {
  const record = view.record;
  const indexedAt = toIso(view.indexedAt);
  const declared = toIso(record?.createdAt);
  // createdAt is set by the client and may lie (future dates); indexedAt bounds it.
  const createdAt =
    declared && indexedAt && declared > indexedAt ? indexedAt : (declared ?? indexedAt);
  if (!view.uri || !createdAt || typeof record?.text !== 'string') return undefined;
  const rkey = view.uri.split('/').pop() ?? '';
  const handle = view.author?.handle;
  const profile = handle && handle !== 'handle.invalid' ? handle : view.author?.did;
  const post: Post = {
    source: 'bluesky',
    sourceId: view.uri,
    url: `https://bsky.app/profile/${profile}/post/${rkey}`,
    author: {
      id: view.author?.did,
      handle,
      name: view.author?.displayName || undefined,
    },
    text: expandLinkFacets(record.text, record.facets),
    createdAt,
    lang: record.langs?.[0] ? normalizeLang(record.langs[0]) : 'und',
    engagement: {
      likes: view.likeCount,
      reposts: view.repostCount,
      replies: view.replyCount,
      quotes: view.quoteCount,
    },
  };
  const parent = record.reply?.parent?.uri;
  if (parent) post.replyTo = parent;
  const quoted = quotedUri(record.embed) ?? quotedUri(view.embed);
  if (quoted) post.quoteOf = quoted;
  return post;
}

function quotedUri(embed: PostView['embed']): string | undefined {
  if (!embed?.$type) return undefined;
  if (embed.$type.startsWith('app.bsky.embed.recordWithMedia')) return embed.record?.record?.uri;
  if (embed.$type.startsWith('app.bsky.embed.record')) return embed.record?.uri;
  return undefined;
}

function xrpcError(res: HttpResponse): XrpcError {
  try {
    const body = JSON.parse(res.text) as XrpcError;
    return typeof body === 'object' && body !== null ? body : {};
  } catch {
    return {};
  }
}

function isExpired(res: HttpResponse): boolean {
  if (res.status !== 400 && res.status !== 401) return false;
  const e = xrpcError(res).error;
  return e === 'ExpiredToken' || e === 'InvalidToken';
}

export function createBlueskyAdapter(opts: BlueskyAdapterOptions): SourceAdapter {
  const maxPages = opts.maxPages ?? 5;
  const pageSize = Math.min(100, Math.max(1, opts.pageSize ?? 100));
  const lookbackMs = (opts.initialLookbackMinutes ?? 60) * 60_000;
  const reserveMs = opts.pageReserveMs ?? 3000;
  const now = opts.now ?? Date.now;
  /** One login shared by concurrent scopes. */
  let login: Promise<Session> | undefined;
  /**
   * After a createSession 429 or a refused password, no scope logs in again before this time:
   * every scope of a run retrying a bad password would spend the 30-per-5-minutes login budget.
   */
  let loginBlock: { until: number; error: Error } | undefined;

  async function pds(): Promise<string> {
    const base =
      opts.endpoint ?? (await opts.credentials.get('BLUESKY_PDS')) ?? BLUESKY_DEFAULT_PDS;
    return base.replace(/\/+$/, '');
  }

  async function createSession(ctx: CollectContext): Promise<Session> {
    if (loginBlock && now() < loginBlock.until) throw loginBlock.error;
    const identifier = await requireCredential(opts.credentials, 'BLUESKY_HANDLE', 'bluesky');
    const password = await requireCredential(opts.credentials, 'BLUESKY_APP_PASSWORD', 'bluesky');
    let res: HttpResponse;
    try {
      res = await opts.http.request({
        url: `${await pds()}/xrpc/com.atproto.server.createSession`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier, password }),
        source: 'bluesky',
        deadline: ctx.deadline,
        signal: ctx.signal,
      });
    } catch (error) {
      if (error instanceof SourceRateLimitedError) {
        loginBlock = { until: error.retryAt.getTime(), error };
      }
      throw error;
    }
    if (res.status !== 200) {
      const e = xrpcError(res);
      if (res.status === 401 || res.status === 400 || res.status === 403) {
        const error = new SourceAuthError(
          'bluesky',
          `Bluesky login failed for ${identifier} (HTTP ${res.status} ${e.error ?? ''}): ${e.message ?? ''}`.trim(),
        );
        loginBlock = { until: now() + LOGIN_RETRY_AFTER_FAILURE_MS, error };
        throw error;
      }
      throw new SourceError(
        'bluesky',
        'unexpected_status',
        `Bluesky createSession answered HTTP ${res.status}`,
      );
    }
    const session = sessionFrom(parseJsonBody<Partial<Session>>(res, 'bluesky'));
    await opts.sessions.save(session);
    return session;
  }

  async function refresh(session: Session, ctx: CollectContext): Promise<Session | undefined> {
    const res = await opts.http.request({
      url: `${await pds()}/xrpc/com.atproto.server.refreshSession`,
      method: 'POST',
      headers: { authorization: `Bearer ${session.refreshJwt}` },
      source: 'bluesky',
      deadline: ctx.deadline,
      signal: ctx.signal,
    });
    if (isExpired(res) || res.status === 401) return undefined;
    if (res.status !== 200) {
      throw new SourceError(
        'bluesky',
        'unexpected_status',
        `Bluesky refreshSession answered HTTP ${res.status}`,
      );
    }
    const renewed = sessionFrom(parseJsonBody<Partial<Session>>(res, 'bluesky'));
    await opts.sessions.save(renewed);
    return renewed;
  }

  function sessionFrom(body: Partial<Session>): Session {
    if (
      typeof body?.accessJwt !== 'string' ||
      typeof body.refreshJwt !== 'string' ||
      typeof body.did !== 'string'
    ) {
      throw new SourceError(
        'bluesky',
        'malformed_response',
        'Bluesky session answer lacks its tokens',
      );
    }
    return {
      accessJwt: body.accessJwt,
      refreshJwt: body.refreshJwt,
      did: body.did,
      handle: body.handle ?? '',
    };
  }

  function shared(make: () => Promise<Session>): Promise<Session> {
    if (!login) {
      login = make().finally(() => {
        login = undefined;
      });
    }
    return login;
  }

  async function currentSession(ctx: CollectContext): Promise<Session> {
    if (login) return login;
    const stored = await opts.sessions.load();
    if (stored) return stored;
    return shared(() => createSession(ctx));
  }

  /** Renews a rejected session: refresh first, a new login only when the refresh JWT is dead. */
  async function renew(stale: Session, ctx: CollectContext): Promise<Session> {
    return shared(async () => {
      const latest = await opts.sessions.load();
      // Another scope may have renewed it already.
      if (latest && latest.accessJwt !== stale.accessJwt) return latest;
      return (await refresh(stale, ctx)) ?? (await createSession(ctx));
    });
  }

  const scopes = (issues: Issue[]): CollectScope[] => issueScopes('bluesky', issues);
  const compile = (issue: Issue): string | undefined => compileIssueQuery('bluesky', issue);

  async function search(
    params: URLSearchParams,
    ctx: CollectContext,
  ): Promise<{ res: HttpResponse; requests: number }> {
    const base = await pds();
    let session = await currentSession(ctx);
    let requests = 0;
    for (let attempt = 0; ; attempt++) {
      requests++;
      const res = await opts.http.request({
        url: `${base}/xrpc/app.bsky.feed.searchPosts?${params}`,
        headers: { authorization: `Bearer ${session.accessJwt}` },
        source: 'bluesky',
        deadline: ctx.deadline,
        signal: ctx.signal,
      });
      if (attempt === 0 && (isExpired(res) || res.status === 401)) {
        session = await renew(session, ctx);
        continue;
      }
      return { res, requests };
    }
  }

  async function fetch(
    scope: CollectScope,
    cursor: Record<string, unknown> | undefined,
    ctx: CollectContext,
  ): Promise<FetchResult> {
    const issue = scope.issues[0];
    if (!issue) return { posts: [], requests: 0 };
    const q = compile(issue);
    if (q === undefined) return { posts: [], requests: 0 };
    const stored = (cursor ?? {}) as BlueskyCursor;
    const prev: BlueskyCursor = stored.query === q ? stored : {};
    const since = prev.since ?? new Date(ctx.now.getTime() - lookbackMs).toISOString();
    let pageCursor = prev.pageCursor;
    let newest = prev.pendingNewest;
    const posts: Post[] = [];
    let requests = 0;

    for (let page = 0; page < maxPages; page++) {
      if (page > 0 && ctx.deadline - now() < reserveMs) break;
      const params = new URLSearchParams({ q, sort: 'latest', limit: String(pageSize), since });
      if (pageCursor) params.set('cursor', pageCursor);
      const { res, requests: made } = await search(params, ctx);
      requests += made;
      if (res.status !== 200) {
        const e = xrpcError(res);
        if (res.status === 401 || res.status === 403 || isExpired(res)) {
          throw new SourceAuthError(
            'bluesky',
            `Bluesky refused the session (HTTP ${res.status} ${e.error ?? ''}): ${e.message ?? ''}`.trim(),
          );
        }
        throw new SourceError(
          'bluesky',
          res.status === 400 ? 'bad_request' : 'unexpected_status',
          `Bluesky searchPosts failed (HTTP ${res.status} ${e.error ?? ''}): ${e.message ?? ''}`.trim(),
        );
      }
      const body = parseJsonBody<{ posts?: unknown; cursor?: string }>(res, 'bluesky');
      if (typeof body !== 'object' || body === null || !Array.isArray(body.posts)) {
        throw new SourceError(
          'bluesky',
          'malformed_response',
          'Bluesky searchPosts returned no posts array',
        );
      }
      for (const view of body.posts as PostView[]) {
        const post = normalizeBlueskyPost(view);
        if (!post) {
          opts.log?.warn('Bluesky post without uri, text or date skipped', { uri: view?.uri });
          continue;
        }
        posts.push(post);
        // sortAt, which `since` filters on, is about min(createdAt, indexedAt): post.createdAt.
        if (!newest || post.createdAt > newest) newest = post.createdAt;
      }
      pageCursor = body.posts.length > 0 ? body.cursor : undefined;
      if (!pageCursor) break;
    }

    let next: BlueskyCursor;
    if (pageCursor) {
      next = { query: q, since, pageCursor };
      if (newest) next.pendingNewest = newest;
    } else {
      const from = newest
        ? new Date(Date.parse(newest) - SINCE_OVERLAP_MS).toISOString()
        : undefined;
      next = { query: q, since: from && from > since ? from : since };
    }
    return { posts, cursor: { ...next }, requests };
  }

  return { name: 'bluesky', scopes, fetch };
}
