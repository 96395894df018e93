/**
 * A fake YouTube Data API v3 on 127.0.0.1 (research §2): `search`, `videos` and `commentThreads`
 * with API-key auth, pageToken paging, publishedAfter filtering, HTML-escaped titles, string
 * statistics and Google's error bodies (quotaExceeded, commentsDisabled, videoNotFound,
 * API_KEY_INVALID, RESOURCE_EXHAUSTED). Failure modes are queued per request with `fail()`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeVideo {
  videoId: string;
  publishedAt: string;
  channelId: string;
  channelTitle: string;
  /** As YouTube sends it: HTML-escaped. */
  title: string;
  description: string;
  defaultAudioLanguage?: string;
  viewCount: string;
  likeCount: string;
  commentCount: string;
  commentsDisabled?: boolean;
}

export interface FakeComment {
  id: string;
  videoId: string;
  textDisplay: string;
  textOriginal?: string;
  authorDisplayName: string;
  authorChannelId: string;
  likeCount: number;
  publishedAt: string;
  replies?: FakeComment[];
}

export type YouTubeFailure =
  | 'quota'
  | 'rate-limit-403'
  | 'resource-exhausted-429'
  | 'server-error'
  | 'malformed'
  | 'not-found';

export interface YouTubeFake {
  url: string;
  key: string;
  videos: FakeVideo[];
  comments: FakeComment[];
  requests: URL[];
  /** Items per page whatever maxResults says. */
  pageSize: number;
  /** Server-side search on title and description; unset: every video matches every query. */
  matches?: (query: string, text: string) => boolean;
  fail(...kinds: YouTubeFailure[]): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function googleError(
  code: number,
  message: string,
  reason: string,
  domain: string,
  extra: Record<string, unknown> = {},
) {
  return { error: { code, message, errors: [{ message, domain, reason }], ...extra } };
}

const QUOTA_MESSAGE =
  'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.';

function page<T>(items: T[], token: string | null, size: number) {
  const offset = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
  const slice = items.slice(offset, offset + size);
  const next =
    offset + size < items.length
      ? Buffer.from(String(offset + size)).toString('base64url')
      : undefined;
  return { slice, next };
}

export async function startYouTubeFake(opts: { key?: string } = {}): Promise<YouTubeFake> {
  const failures: YouTubeFailure[] = [];
  const fake: YouTubeFake = {
    url: '',
    key: opts.key ?? 'yt-test-key',
    videos: [],
    comments: [],
    requests: [],
    pageSize: 50,
    fail: (...kinds) => failures.push(...kinds),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function commentResource(c: FakeComment, parentId?: string) {
    return {
      kind: 'youtube#comment',
      etag: `e-${c.id}`,
      id: c.id,
      snippet: {
        channelId: 'UCx9aB7cD2eF4gH6iJ8kL0mN',
        videoId: c.videoId,
        textDisplay: c.textDisplay,
        ...(c.textOriginal !== undefined ? { textOriginal: c.textOriginal } : {}),
        ...(parentId ? { parentId } : {}),
        authorDisplayName: c.authorDisplayName,
        authorProfileImageUrl: 'https://yt3.ggpht.com/ytc/x=s48-c-k-no-rj',
        authorChannelUrl: `http://www.youtube.com/${c.authorDisplayName}`,
        authorChannelId: { value: c.authorChannelId },
        canRate: true,
        viewerRating: 'none',
        likeCount: c.likeCount,
        publishedAt: c.publishedAt,
        updatedAt: c.publishedAt,
      },
    };
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    fake.requests.push(url);
    const p = url.searchParams;
    if (p.get('key') !== fake.key) {
      const message = 'API key not valid. Please pass a valid API key.';
      return send(
        res,
        400,
        googleError(400, message, 'badRequest', 'global', {
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
              metadata: { service: 'youtube.googleapis.com' },
            },
          ],
        }),
      );
    }
    const failure = failures.shift();
    switch (failure) {
      case 'quota':
        return send(res, 403, googleError(403, QUOTA_MESSAGE, 'quotaExceeded', 'youtube.quota'));
      case 'rate-limit-403':
        return send(
          res,
          403,
          googleError(403, 'Rate Limit Exceeded', 'rateLimitExceeded', 'usageLimits'),
        );
      case 'resource-exhausted-429':
        return send(res, 429, {
          error: {
            code: 429,
            message: 'Resource has been exhausted (e.g. check quota).',
            status: 'RESOURCE_EXHAUSTED',
          },
        });
      case 'server-error':
        return send(res, 500, googleError(500, 'Backend Error', 'backendError', 'global'));
      case 'malformed':
        return send(res, 200, '{"kind":"youtube#searchListResponse","items":[{"id":');
      case 'not-found':
        return send(res, 404, googleError(404, 'Not Found', 'notFound', 'global'));
      default:
        break;
    }

    const size = Math.min(fake.pageSize, Number(p.get('maxResults') ?? '5') || 5);
    switch (url.pathname) {
      case '/youtube/v3/search': {
        if (!p.get('q')) {
          return send(res, 400, googleError(400, 'Required parameter: q', 'required', 'global'));
        }
        const after = p.get('publishedAfter');
        const q = p.get('q') ?? '';
        const matching = fake.videos
          .filter((v) => (after ? Date.parse(v.publishedAt) >= Date.parse(after) : true))
          .filter((v) => (fake.matches ? fake.matches(q, `${v.title} ${v.description}`) : true))
          .sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));
        const { slice, next } = page(matching, p.get('pageToken'), size);
        return send(res, 200, {
          kind: 'youtube#searchListResponse',
          etag: 'q4bV1xk3Ud2nJ7lPuWmQ8yT0sZc',
          ...(next ? { nextPageToken: next } : {}),
          regionCode: p.get('regionCode') ?? 'ID',
          pageInfo: { totalResults: matching.length, resultsPerPage: size },
          items: slice.map((v) => ({
            kind: 'youtube#searchResult',
            etag: `s-${v.videoId}`,
            id: { kind: 'youtube#video', videoId: v.videoId },
            snippet: {
              publishedAt: v.publishedAt,
              channelId: v.channelId,
              title: v.title,
              description: v.description.slice(0, 160),
              thumbnails: {},
              channelTitle: v.channelTitle,
              liveBroadcastContent: 'none',
              publishTime: v.publishedAt,
            },
          })),
        });
      }
      case '/youtube/v3/videos': {
        const ids = (p.get('id') ?? '').split(',');
        const items = fake.videos
          .filter((v) => ids.includes(v.videoId))
          .map((v) => ({
            kind: 'youtube#video',
            etag: `v-${v.videoId}`,
            id: v.videoId,
            snippet: {
              publishedAt: v.publishedAt,
              channelId: v.channelId,
              title: v.title,
              description: v.description,
              channelTitle: v.channelTitle,
              ...(v.defaultAudioLanguage ? { defaultAudioLanguage: v.defaultAudioLanguage } : {}),
            },
            statistics: {
              viewCount: v.viewCount,
              likeCount: v.likeCount,
              favoriteCount: '0',
              commentCount: v.commentCount,
            },
          }));
        return send(res, 200, {
          kind: 'youtube#videoListResponse',
          etag: 'x',
          items,
          pageInfo: { totalResults: items.length, resultsPerPage: items.length },
        });
      }
      case '/youtube/v3/commentThreads': {
        const videoId = p.get('videoId');
        const video = fake.videos.find((v) => v.videoId === videoId);
        if (!video) {
          return send(
            res,
            404,
            googleError(
              404,
              'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">videoId</a></code> parameter could not be found.',
              'videoNotFound',
              'youtube.commentThread',
            ),
          );
        }
        if (video.commentsDisabled) {
          return send(
            res,
            403,
            googleError(
              403,
              'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">videoId</a></code> parameter has disabled comments.',
              'commentsDisabled',
              'youtube.commentThread',
            ),
          );
        }
        const threads = fake.comments
          .filter((c) => c.videoId === videoId)
          .sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));
        const { slice, next } = page(threads, p.get('pageToken'), size);
        return send(res, 200, {
          kind: 'youtube#commentThreadListResponse',
          etag: 'n8Yk2Vd0aPq5Lm3sR7tU1wX9zB4',
          ...(next ? { nextPageToken: next } : {}),
          pageInfo: { totalResults: slice.length, resultsPerPage: size },
          items: slice.map((c) => ({
            kind: 'youtube#commentThread',
            etag: `t-${c.id}`,
            id: c.id,
            snippet: {
              channelId: video.channelId,
              videoId: c.videoId,
              topLevelComment: commentResource(c),
              canReply: true,
              totalReplyCount: c.replies?.length ?? 0,
              isPublic: true,
            },
            ...(c.replies?.length
              ? { replies: { comments: c.replies.map((r) => commentResource(r, c.id)) } }
              : {}),
          })),
        });
      }
      default:
        return send(res, 404, googleError(404, 'Not Found', 'notFound', 'global'));
    }
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** The research fixture's video and comment. */
export function fixtureVideo(): FakeVideo {
  return {
    videoId: 'k3Zr8pQ1xYw',
    publishedAt: '2026-03-10T03:00:12Z',
    channelId: 'UCx9aB7cD2eF4gH6iJ8kL0mN',
    channelTitle: 'Kabar Metro Lokal',
    title: 'Warga Keluhkan Antrean BBM: &quot;Sudah 2 Jam&quot;',
    description:
      'Antrean panjang terjadi di sejumlah SPBU di Jakarta Pusat sejak pagi. Warga &amp; pengemudi ojol mengeluh 😩',
    defaultAudioLanguage: 'id',
    viewCount: '15230',
    likeCount: '412',
    commentCount: '87',
  };
}

export function fixtureComment(): FakeComment {
  return {
    id: 'UgzK3m9xQ2pLr7Vt4aB4AaABAg',
    videoId: 'k3Zr8pQ1xYw',
    textDisplay: 'Di Bekasi juga sama, pemerintah harus turun tangan &#39;segera&#39;',
    textOriginal: "Di Bekasi juga sama, pemerintah harus turun tangan 'segera'",
    authorDisplayName: '@dewi.bks',
    authorChannelId: 'UCq1W2e3R4t5Y6u7I8o9P0aS',
    likeCount: 14,
    publishedAt: '2026-03-10T04:11:09Z',
  };
}

const COMMENT_TEXTS = [
  'Di Bekasi juga sama, antre 2 jam lebih 😤',
  'Semoga cepat ditangani pemerintah 🙏',
  'Harga beras naik terus, rakyat kecil makin susah',
  'Terima kasih infonya, sangat membantu 👍',
];

/** `n` videos one hour apart ending at `endIso`, each with `commentsEach` comments. */
export function makeVideos(
  n: number,
  commentsEach: number,
  endIso: string,
): { videos: FakeVideo[]; comments: FakeComment[] } {
  const end = Date.parse(endIso);
  const videos: FakeVideo[] = [];
  const comments: FakeComment[] = [];
  for (let i = 0; i < n; i++) {
    const publishedAt = new Date(end - i * 3_600_000).toISOString().replace('.000Z', 'Z');
    const videoId = `vid${String(i).padStart(8, '0')}`;
    videos.push({
      videoId,
      publishedAt,
      channelId: `UCchannel${i % 5}`,
      channelTitle: `Kanal Berita ${i % 5}`,
      title: `Antrean BBM &amp; harga beras hari ke-${i}`,
      description: 'Liputan warga soal antrean BBM dan harga beras di Jakarta.',
      defaultAudioLanguage: 'id',
      viewCount: String(1000 + i),
      likeCount: String(10 + i),
      commentCount: String(commentsEach),
    });
    for (let c = 0; c < commentsEach; c++) {
      const at = new Date(Date.parse(publishedAt) + (c + 1) * 60_000).toISOString();
      const text = COMMENT_TEXTS[c % COMMENT_TEXTS.length] as string;
      comments.push({
        id: `Ugx${videoId}c${c}`,
        videoId,
        textDisplay: text,
        textOriginal: text,
        authorDisplayName: `@warga${c}`,
        authorChannelId: `UCwarga${c}`,
        likeCount: c,
        publishedAt: at,
      });
    }
  }
  return { videos, comments };
}
