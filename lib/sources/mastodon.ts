/**
 * Mastodon hashtag timelines (`/api/v1/timelines/tag/:tag`) on each configured instance, one scope
 * per issue. The issue query compiles to the tag names every match must carry (one clause of
 * `any[]` tags); each instance and tag group has its own `min_id` in the scope's cursor, so paging
 * walks forward from the newest status seen and never leaves a gap.
 *
 * Statuses are identified by their ActivityPub `uri`, which is the same on every instance, so a
 * toot seen through two instances is one post.
 */
import { SourceAuthError, SourceError } from '../domain/errors.ts';
import type { CollectContext, CollectScope, FetchResult, SourceAdapter } from '../domain/ports.ts';
import type { Issue, Post } from '../domain/types.ts';
import { normalizeLang } from '../query/index.ts';
import type { Log } from '../runtime/log.ts';
import type { CredentialStore } from './credentials.ts';
import { type HttpClient, type HttpResponse, parseJsonBody } from './http.ts';
import { compileIssueQuery, issueScopes } from './issue-search.ts';
import { unescapeEntities } from './normalize.ts';

/** A tag timeline takes one tag in the path and at most four more in `any[]`. */
const TAGS_PER_REQUEST = 5;

export interface MastodonAdapterOptions {
  http: HttpClient;
  credentials: CredentialStore;
  /**
   * Instance base URLs; default from MASTODON_INSTANCES. A test passes the fake server's URL here
   * (the `--endpoint` of the CLI).
   */
  instances?: string[];
  /** Pages per instance and tag group per run. Default 3. */
  maxPages?: number;
  /** Statuses per page (`limit`, at most 40). Default 40. */
  pageSize?: number;
  /** A page is not started with less time than this before the deadline. Default 3,000 ms. */
  pageReserveMs?: number;
  now?: () => number;
  log?: Log;
}

export type MastodonCursor = {
  query?: string;
  /** Newest status id seen, per `<instance>|<tags>`. */
  minIds?: Record<string, string>;
};

interface MastodonAccount {
  id: string;
  username?: string;
  acct?: string;
  url?: string;
  display_name?: string;
  followers_count?: number;
}

interface MastodonStatus {
  id: string;
  uri?: string;
  url?: string | null;
  created_at: string;
  in_reply_to_id?: string | null;
  spoiler_text?: string;
  language?: string | null;
  content?: string;
  replies_count?: number;
  reblogs_count?: number;
  favourites_count?: number;
  quotes_count?: number;
  reblog?: MastodonStatus | null;
  quote?: { state?: string; quoted_status?: MastodonStatus | null } | null;
  account?: MastodonAccount;
}

/**
 * Visible text of a sanitised HTML fragment (Mastodon content, YouTube textDisplay): inline tags
 * vanish without adding spaces (so `#<span>banjir</span>` stays `#banjir`), `<br>` is a line break,
 * paragraphs are separated by a blank line, entities are decoded.
 */
export function htmlFragmentToText(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<\/?p[^>]*>/gi, '')
    // Mastodon hides the middle of long links in `invisible`/`ellipsis` spans; the text keeps all.
    .replace(/<[^>]*>/g, '');
  return unescapeEntities(text)
    .replace(/[ \t]+\n/g, '\n')
    .trim();
}

/** Numeric id comparison without precision loss (Mastodon ids exceed 2^53). */
function newerId(a: string | undefined, b: string): string {
  if (a === undefined) return b;
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return a > b ? a : b;
  return BigInt(a) >= BigInt(b) ? a : b;
}

/** `min_id` of the `rel="prev"` link (newer statuses), if the Link header has one. */
export function prevMinId(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?prev"?/i.exec(part.trim());
    if (!m?.[1]) continue;
    try {
      return new URL(m[1]).searchParams.get('min_id') ?? undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function toIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

export function normalizeMastodonStatus(raw: MastodonStatus, instance: string): Post | undefined {
  // Tag timelines rarely carry boosts, but a boost's text is the boosted status.
  const status = raw.reblog ?? raw;
  const createdAt = toIso(status.created_at);
  if (!status.id || !createdAt || typeof status.content !== 'string') return undefined;
  const host = new URL(instance).host;
  const account = status.account;
  // `acct` is `user` for local accounts and `user@domain` for remote ones.
  const handle = account?.acct
    ? account.acct.includes('@')
      ? account.acct
      : `${account.acct}@${host}`
    : undefined;
  const post: Post = {
    source: 'mastodon',
    sourceId: status.uri ?? `${instance}/statuses/${status.id}`,
    url: status.url ?? status.uri ?? `${instance}/statuses/${status.id}`,
    author: {
      id: account?.url ?? handle,
      handle,
      name: account?.display_name || account?.username,
      followers: account?.followers_count,
    },
    text: htmlFragmentToText(status.content),
    createdAt,
    lang: status.language ? normalizeLang(status.language) : 'und',
    engagement: {
      likes: status.favourites_count,
      reposts: status.reblogs_count,
      replies: status.replies_count,
      quotes: status.quotes_count,
    },
  };
  if (status.spoiler_text) post.title = htmlFragmentToText(status.spoiler_text);
  // Instance-local id: Mastodon gives no global id for the parent.
  if (status.in_reply_to_id) post.replyTo = status.in_reply_to_id;
  const quoted = status.quote?.quoted_status;
  if (quoted) post.quoteOf = quoted.uri ?? quoted.id;
  return post;
}

function errorText(res: HttpResponse): string {
  try {
    const body = JSON.parse(res.text) as { error?: string };
    if (typeof body?.error === 'string') return body.error;
  } catch {
    // Not JSON: the status says enough.
  }
  return `HTTP ${res.status}`;
}

export function parseInstances(list: string | undefined): string[] {
  if (!list) return [];
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^https?:\/\//i.test(s) ? s : `https://${s}`).replace(/\/+$/, ''));
}

/** `MASTODON_TOKENS`: `host=token,host2=token2`, for instances whose tag feeds need a token. */
function parseTokens(list: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of (list ?? '').split(',')) {
    const i = pair.indexOf('=');
    if (i > 0) out.set(pair.slice(0, i).trim().toLowerCase(), pair.slice(i + 1).trim());
  }
  return out;
}

export function createMastodonAdapter(opts: MastodonAdapterOptions): SourceAdapter {
  const maxPages = opts.maxPages ?? 3;
  const pageSize = Math.min(40, Math.max(1, opts.pageSize ?? 40));
  const reserveMs = opts.pageReserveMs ?? 3000;
  const now = opts.now ?? Date.now;

  const scopes = (issues: Issue[]): CollectScope[] => issueScopes('mastodon', issues);
  const compile = (issue: Issue): string | undefined => compileIssueQuery('mastodon', issue);

  async function instancesToRead(): Promise<string[]> {
    if (opts.instances) return opts.instances.map((s) => s.replace(/\/+$/, ''));
    return parseInstances(await opts.credentials.get('MASTODON_INSTANCES'));
  }

  async function readTimeline(
    instance: string,
    tags: string[],
    minId: string | undefined,
    token: string | undefined,
    ctx: CollectContext,
  ): Promise<{ posts: Post[]; minId: string | undefined; requests: number }> {
    const posts: Post[] = [];
    let requests = 0;
    let newest = minId;
    let cursor = minId;
    const [first, ...rest] = tags;
    for (let page = 0; page < maxPages; page++) {
      if (page > 0 && ctx.deadline - now() < reserveMs) break;
      const params = new URLSearchParams({ limit: String(pageSize) });
      for (const t of rest) params.append('any[]', t);
      if (cursor) params.set('min_id', cursor);
      requests++;
      const res = await opts.http.request({
        url: `${instance}/api/v1/timelines/tag/${encodeURIComponent(first as string)}?${params}`,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        source: 'mastodon',
        deadline: ctx.deadline,
        signal: ctx.signal,
      });
      if (res.status === 404) break; // An unknown tag: nothing to read, not a failure.
      if (res.status === 401 || res.status === 403) {
        throw new SourceAuthError(
          'mastodon',
          `${new URL(instance).host} refused the tag timeline (HTTP ${res.status}): ${errorText(res)}`,
        );
      }
      if (res.status !== 200) {
        throw new SourceError(
          'mastodon',
          'unexpected_status',
          `${new URL(instance).host} answered HTTP ${res.status}: ${errorText(res)}`,
        );
      }
      const body = parseJsonBody<unknown>(res, 'mastodon');
      if (!Array.isArray(body)) {
        throw new SourceError(
          'mastodon',
          'malformed_response',
          `${new URL(instance).host} returned a timeline that is not an array`,
        );
      }
      for (const status of body as MastodonStatus[]) {
        const post = normalizeMastodonStatus(status, instance);
        if (post) posts.push(post);
        else opts.log?.warn('Mastodon status without id, date or content skipped', { instance });
        if (typeof status?.id === 'string') newest = newerId(newest, status.id);
      }
      // The first run only marks where "now" is: backfilling a busy tag is not the point.
      if (!minId || body.length < pageSize) break;
      const next = prevMinId(res.headers.get('link')) ?? newest;
      if (next === cursor) break;
      cursor = next;
    }
    return { posts, minId: newest, requests };
  }

  async function fetch(
    scope: CollectScope,
    cursor: Record<string, unknown> | undefined,
    ctx: CollectContext,
  ): Promise<FetchResult> {
    const issue = scope.issues[0];
    if (!issue) return { posts: [], requests: 0 };
    const compiled = compile(issue);
    if (!compiled) return { posts: [], requests: 0 };
    const instances = await instancesToRead();
    if (instances.length === 0) {
      throw new SourceError(
        'mastodon',
        'not_configured',
        'MASTODON_INSTANCES lists no instance to read',
      );
    }
    const tokens = parseTokens(await opts.credentials.get('MASTODON_TOKENS'));
    const allTags = compiled.split(/\s+/).filter(Boolean);
    const groups: string[][] = [];
    for (let i = 0; i < allTags.length; i += TAGS_PER_REQUEST) {
      groups.push(allTags.slice(i, i + TAGS_PER_REQUEST));
    }

    const stored = (cursor ?? {}) as MastodonCursor;
    const minIds: Record<string, string> =
      stored.query === compiled ? { ...(stored.minIds ?? {}) } : {};
    const posts: Post[] = [];
    const seen = new Set<string>();
    let requests = 0;
    const failures: { instance: string; error: unknown }[] = [];

    for (const instance of instances) {
      const token = tokens.get(new URL(instance).host.toLowerCase());
      for (const tags of groups) {
        if (ctx.deadline - now() < reserveMs) break;
        const key = `${instance}|${tags.join(',')}`;
        try {
          const got = await readTimeline(instance, tags, minIds[key], token, ctx);
          requests += got.requests;
          if (got.minId) minIds[key] = got.minId;
          for (const p of got.posts) {
            if (seen.has(p.sourceId)) continue;
            seen.add(p.sourceId);
            posts.push(p);
          }
        } catch (error) {
          failures.push({ instance, error });
          break;
        }
      }
    }
    // One instance down must not stop the others; when every instance failed, the run failed.
    if (failures.length > 0 && failures.length === instances.length) {
      throw failures[0]?.error;
    }
    for (const f of failures) {
      opts.log?.warn('Mastodon instance failed; other instances were read', {
        instance: f.instance,
        error: f.error instanceof Error ? f.error.message : String(f.error),
      });
    }
    return { posts, cursor: { query: compiled, minIds }, requests };
  }

  return { name: 'mastodon', scopes, fetch };
}
