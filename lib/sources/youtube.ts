/**
 * YouTube Data API v3, one scope per issue: `search.list` finds new videos (its own budget of
 * about 100 calls a day, so one search page per run by default), `videos.list` adds statistics and
 * the full description, and `commentThreads.list` reads the comments of a bounded watch list of
 * recent videos, newest first, down to the newest comment already seen. Each video and each
 * comment is a Post; a comment's `replyTo` is its video (a reply's is its parent comment).
 *
 * Quota exhaustion (403 `quotaExceeded`) stops the source until midnight Pacific time, when
 * Google resets the quota.
 */
import {
  SourceAuthError,
  SourceError,
  SourceQuotaExhaustedError,
  SourceRateLimitedError,
} from '../domain/errors.ts';
import type { CollectContext, CollectScope, FetchResult, SourceAdapter } from '../domain/ports.ts';
import type { Issue, Post } from '../domain/types.ts';
import { normalizeLang } from '../query/index.ts';
import type { Log } from '../runtime/log.ts';
import { type CredentialStore, requireCredential } from './credentials.ts';
import { type HttpClient, type HttpResponse, parseJsonBody } from './http.ts';
import { compileIssueQuery, issueScopes } from './issue-search.ts';
import { htmlFragmentToText } from './mastodon.ts';
import { unescapeEntities } from './normalize.ts';

export const YOUTUBE_DEFAULT_ENDPOINT = 'https://www.googleapis.com';

export interface YouTubeAdapterOptions {
  http: HttpClient;
  credentials: CredentialStore;
  /** Base URL; default https://www.googleapis.com (paths are /youtube/v3/...). */
  endpoint?: string;
  /** search.list pages per scope per run (each one of ~100 daily searches). Default 1. */
  maxPages?: number;
  /** commentThreads pages per watched video per run. Default 2. */
  maxCommentPages?: number;
  /** Videos whose comments are followed. Default 20. */
  maxWatchedVideos?: number;
  /** How long a found video's comments are followed. Default 72 hours. */
  watchHours?: number;
  /** How far back the very first search of a scope looks. Default 24 hours. */
  initialLookbackHours?: number;
  /** search.list `regionCode` / `relevanceLanguage`. Default 'ID' / 'id'. */
  regionCode?: string;
  relevanceLanguage?: string;
  pageReserveMs?: number;
  now?: () => number;
  log?: Log;
}

interface WatchedVideo {
  videoId: string;
  /** Newest comment time seen (ISO). */
  since?: string;
  /** Stop following after this time (ISO). */
  until: string;
}

export type YouTubeCursor = {
  query?: string;
  /** publishedAt of the newest video found (ISO). */
  publishedAfter?: string;
  watch?: WatchedVideo[];
};

interface YtError {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    errors?: { reason?: string; domain?: string; message?: string }[];
    /** Newer Google errors put the precise reason (API_KEY_INVALID) in an ErrorInfo detail. */
    details?: { '@type'?: string; reason?: string }[];
  };
}

interface YtSearchItem {
  id?: { kind?: string; videoId?: string };
  snippet?: { publishedAt?: string; title?: string };
}

interface YtVideo {
  id: string;
  snippet?: {
    publishedAt?: string;
    channelId?: string;
    channelTitle?: string;
    title?: string;
    description?: string;
    defaultLanguage?: string;
    defaultAudioLanguage?: string;
  };
  statistics?: {
    viewCount?: string;
    likeCount?: string;
    commentCount?: string;
  };
}

interface YtComment {
  id: string;
  snippet?: {
    videoId?: string;
    parentId?: string;
    textDisplay?: string;
    textOriginal?: string;
    authorDisplayName?: string;
    authorChannelUrl?: string;
    authorChannelId?: { value?: string };
    likeCount?: number;
    publishedAt?: string;
  };
}

interface YtThread {
  id: string;
  snippet?: { videoId?: string; topLevelComment?: YtComment; totalReplyCount?: number };
  replies?: { comments?: YtComment[] };
}

interface YtList<T> {
  items?: T[];
  nextPageToken?: string;
}

/** The next midnight in America/Los_Angeles (when YouTube quotas reset), as a UTC instant. */
export function nextPacificMidnight(now: number): Date {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(new Date(now));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const [y, m, d] = [part('year'), part('month'), part('day')];
  // The Pacific offset at a time just after that midnight (PST -8 or PDT -7).
  const guess = Date.UTC(y, m - 1, d + 1, 8);
  const offsetMs = pacificOffsetMs(guess);
  return new Date(Date.UTC(y, m - 1, d + 1) - offsetMs);
}

function pacificOffsetMs(at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return local - Math.floor(at / 1000) * 1000;
}

function toIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

function count(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export function normalizeVideo(video: YtVideo): Post | undefined {
  const s = video.snippet;
  const createdAt = toIso(s?.publishedAt);
  if (!video.id || !createdAt) return undefined;
  const lang = s?.defaultAudioLanguage ?? s?.defaultLanguage;
  return {
    source: 'youtube',
    sourceId: video.id,
    url: `https://www.youtube.com/watch?v=${video.id}`,
    author: {
      id: s?.channelId,
      name: s?.channelTitle ? unescapeEntities(s.channelTitle) : undefined,
    },
    title: unescapeEntities(s?.title ?? ''),
    text: unescapeEntities(s?.description ?? ''),
    createdAt,
    lang: lang && lang !== 'zxx' ? normalizeLang(lang) : 'und',
    engagement: {
      views: count(video.statistics?.viewCount),
      likes: count(video.statistics?.likeCount),
      replies: count(video.statistics?.commentCount),
    },
  };
}

export function normalizeComment(
  comment: YtComment,
  videoId: string,
  replyCount?: number,
): Post | undefined {
  const s = comment.snippet;
  const createdAt = toIso(s?.publishedAt);
  if (!comment.id || !createdAt) return undefined;
  // textOriginal is plain text; textDisplay is HTML (links, <br>, escaped quotes).
  const text = s?.textOriginal ?? htmlFragmentToText(s?.textDisplay ?? '');
  const display = s?.authorDisplayName;
  const post: Post = {
    source: 'youtube',
    sourceId: comment.id,
    url: `https://www.youtube.com/watch?v=${videoId}&lc=${comment.id}`,
    author: {
      id: s?.authorChannelId?.value,
      handle: display?.startsWith('@') ? display.slice(1) : undefined,
      name: display,
    },
    text,
    createdAt,
    lang: 'und',
    engagement: { likes: count(s?.likeCount), replies: replyCount },
    replyTo: s?.parentId ?? videoId,
  };
  return post;
}

function ytError(res: HttpResponse): { reason?: string; message: string } {
  try {
    const body = JSON.parse(res.text) as YtError;
    const detail = body.error?.details?.find((d) => typeof d?.reason === 'string')?.reason;
    const first = body.error?.errors?.[0]?.reason;
    // 'badRequest' says little; the ErrorInfo detail (API_KEY_INVALID) says why.
    const reason = first && first !== 'badRequest' ? first : (detail ?? first);
    // Google's messages contain HTML links; officials and logs want plain text.
    const message = htmlFragmentToText(body.error?.message ?? `HTTP ${res.status}`);
    return { reason, message };
  } catch {
    return { message: `HTTP ${res.status}` };
  }
}

const QUOTA_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded']);
const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
const AUTH_REASONS = new Set([
  'keyInvalid',
  'keyExpired',
  'forbidden',
  'accessNotConfigured',
  'ipRefererBlocked',
  'API_KEY_INVALID',
]);
/** Per-video conditions that end following that video, not the run. */
const VIDEO_GONE_REASONS = new Set(['commentsDisabled', 'videoNotFound', 'forbidden']);

export function createYouTubeAdapter(opts: YouTubeAdapterOptions): SourceAdapter {
  const endpoint = (opts.endpoint ?? YOUTUBE_DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const maxPages = opts.maxPages ?? 1;
  const maxCommentPages = opts.maxCommentPages ?? 2;
  const maxWatched = opts.maxWatchedVideos ?? 20;
  const watchMs = (opts.watchHours ?? 72) * 3_600_000;
  const lookbackMs = (opts.initialLookbackHours ?? 24) * 3_600_000;
  const reserveMs = opts.pageReserveMs ?? 3000;
  const now = opts.now ?? Date.now;

  const scopes = (issues: Issue[]): CollectScope[] => issueScopes('youtube', issues);
  const compile = (issue: Issue): string | undefined => compileIssueQuery('youtube', issue);

  /** Throws the typed error for a failed call; per-video failures come back as `gone`. */
  function fail(res: HttpResponse, what: string): never {
    const { reason, message } = ytError(res);
    if (reason && QUOTA_REASONS.has(reason)) {
      throw new SourceQuotaExhaustedError('youtube', nextPacificMidnight(now()), {
        cause: new Error(message),
      });
    }
    if (reason && RATE_REASONS.has(reason)) {
      throw new SourceRateLimitedError('youtube', new Date(now() + 60_000), {
        cause: new Error(message),
      });
    }
    if (res.status === 401 || (reason && AUTH_REASONS.has(reason)) || res.status === 403) {
      throw new SourceAuthError(
        'youtube',
        `YouTube refused the API key for ${what} (${reason ?? res.status}): ${message}`,
      );
    }
    throw new SourceError(
      'youtube',
      res.status === 400 ? 'bad_request' : 'unexpected_status',
      `YouTube ${what} failed (HTTP ${res.status}${reason ? `, ${reason}` : ''}): ${message}`,
    );
  }

  async function call<T>(
    path: string,
    params: URLSearchParams,
    key: string,
    ctx: CollectContext,
  ): Promise<HttpResponse & { json?: T }> {
    params.set('key', key);
    const res = await opts.http.request({
      url: `${endpoint}/youtube/v3/${path}?${params}`,
      source: 'youtube',
      deadline: ctx.deadline,
      signal: ctx.signal,
      headers: { accept: 'application/json' },
    });
    if (res.status !== 200) return res;
    const json = parseJsonBody<T>(res, 'youtube');
    if (typeof json !== 'object' || json === null) {
      throw new SourceError('youtube', 'malformed_response', `YouTube ${path} is not an object`);
    }
    return { ...res, json };
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
    const key = await requireCredential(opts.credentials, 'YOUTUBE_API_KEY', 'youtube');
    const stored = (cursor ?? {}) as YouTubeCursor;
    const prev: YouTubeCursor = stored.query === q ? stored : {};
    const t0 = now();
    const posts: Post[] = [];
    let requests = 0;

    // 1. New videos.
    const publishedAfter =
      prev.publishedAfter ?? new Date(ctx.now.getTime() - lookbackMs).toISOString();
    let newestVideo = prev.publishedAfter;
    const watchedBefore = new Set((prev.watch ?? []).map((w) => w.videoId));
    const videoIds: string[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      if (page > 0 && ctx.deadline - now() < reserveMs) break;
      const params = new URLSearchParams({
        part: 'snippet',
        q,
        type: 'video',
        order: 'date',
        maxResults: '50',
        publishedAfter,
        regionCode: opts.regionCode ?? 'ID',
        relevanceLanguage: opts.relevanceLanguage ?? 'id',
      });
      if (pageToken) params.set('pageToken', pageToken);
      requests++;
      const res = await call<YtList<YtSearchItem>>('search', params, key, ctx);
      if (!res.json) fail(res, 'search.list');
      for (const item of res.json.items ?? []) {
        const id = item.id?.videoId;
        // publishedAfter is inclusive: the newest video of the last run comes back once more.
        if (!id || videoIds.includes(id) || watchedBefore.has(id)) continue;
        videoIds.push(id);
        const at = toIso(item.snippet?.publishedAt);
        if (at && (!newestVideo || at > newestVideo)) newestVideo = at;
      }
      pageToken = res.json.nextPageToken;
      if (!pageToken) break;
    }

    // 2. Statistics and full snippets, 50 ids per call.
    for (let i = 0; i < videoIds.length; i += 50) {
      const ids = videoIds.slice(i, i + 50);
      requests++;
      const res = await call<YtList<YtVideo>>(
        'videos',
        new URLSearchParams({ part: 'snippet,statistics', id: ids.join(','), maxResults: '50' }),
        key,
        ctx,
      );
      if (!res.json) fail(res, 'videos.list');
      for (const video of res.json.items ?? []) {
        const post = normalizeVideo(video);
        if (post) posts.push(post);
      }
    }

    // 3. Comments of the watched videos (new ones first).
    const until = new Date(t0 + watchMs).toISOString();
    const nowIso = new Date(t0).toISOString();
    const watch: WatchedVideo[] = [
      ...videoIds.map((videoId) => ({ videoId, until })),
      ...(prev.watch ?? []).filter((w) => w.until > nowIso && !videoIds.includes(w.videoId)),
    ].slice(0, maxWatched);
    const kept: WatchedVideo[] = [];
    for (let w = 0; w < watch.length; w++) {
      const video = watch[w] as WatchedVideo;
      if (ctx.deadline - now() < reserveMs) {
        kept.push(...watch.slice(w));
        break;
      }
      let newest = video.since;
      let token: string | undefined;
      let gone = false;
      pages: for (let page = 0; page < maxCommentPages; page++) {
        if (page > 0 && ctx.deadline - now() < reserveMs) break;
        const params = new URLSearchParams({
          part: 'snippet,replies',
          videoId: video.videoId,
          order: 'time',
          maxResults: '100',
          textFormat: 'plainText',
        });
        if (token) params.set('pageToken', token);
        requests++;
        const res = await call<YtList<YtThread>>('commentThreads', params, key, ctx);
        if (!res.json) {
          const { reason } = ytError(res);
          if ((reason && VIDEO_GONE_REASONS.has(reason)) || res.status === 404) {
            opts.log?.info('YouTube video no longer readable; unwatched', {
              videoId: video.videoId,
              reason: reason ?? res.status,
            });
            gone = true;
            break;
          }
          fail(res, 'commentThreads.list');
        }
        for (const thread of res.json.items ?? []) {
          const top = thread.snippet?.topLevelComment;
          const at = toIso(top?.snippet?.publishedAt);
          // Newest first: the first comment already seen ends the walk.
          if (video.since && at && at <= video.since) break pages;
          if (top) {
            const post = normalizeComment(top, video.videoId, thread.snippet?.totalReplyCount);
            if (post) posts.push(post);
            if (at && (!newest || at > newest)) newest = at;
          }
          for (const reply of thread.replies?.comments ?? []) {
            const post = normalizeComment(reply, video.videoId);
            if (post) posts.push(post);
          }
        }
        token = res.json.nextPageToken;
        if (!token) break;
      }
      if (!gone) kept.push(newest ? { ...video, since: newest } : video);
    }

    const next: YouTubeCursor = { query: q, watch: kept };
    if (newestVideo) next.publishedAfter = newestVideo;
    return { posts, cursor: { ...next }, requests };
  }

  return { name: 'youtube', scopes, fetch };
}
