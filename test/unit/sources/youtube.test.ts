import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SourceAuthError,
  SourceError,
  SourceQuotaExhaustedError,
  SourceRateLimitedError,
} from '../../../lib/domain/errors.ts';
import type { CollectContext, CollectScope } from '../../../lib/domain/ports.ts';
import type { Issue } from '../../../lib/domain/types.ts';
import { createStaticCredentialStore } from '../../../lib/sources/credentials.ts';
import { createHttpClient } from '../../../lib/sources/http.ts';
import {
  createYouTubeAdapter,
  nextPacificMidnight,
  type YouTubeCursor,
} from '../../../lib/sources/youtube.ts';
import {
  fixtureComment,
  fixtureVideo,
  makeVideos,
  startYouTubeFake,
  type YouTubeFake,
} from '../../fakes/youtube-server.ts';
import { collectContext, rejection } from './support.ts';

const NOW = new Date('2026-03-10T05:00:00.000Z');

const ISSUE: Issue = {
  tenantId: 't1',
  id: 'bbm',
  name: 'BBM',
  query: '(antrean OR #BBMLangka) -impor',
  sources: ['youtube'],
  languages: [],
  status: 'active',
  detector: {},
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
};

const ctx = (): CollectContext => collectContext(NOW);

let fake: YouTubeFake;
beforeEach(async () => {
  fake = await startYouTubeFake();
});
afterEach(async () => {
  await fake.close();
});

function adapter(extra: Partial<Parameters<typeof createYouTubeAdapter>[0]> = {}) {
  return createYouTubeAdapter({
    http: createHttpClient({ sleep: async () => {}, maxRetries: 1 }),
    credentials: createStaticCredentialStore({ YOUTUBE_API_KEY: fake.key }),
    endpoint: fake.url,
    now: () => NOW.getTime(),
    ...extra,
  });
}

function scope(): CollectScope {
  const [s] = adapter().scopes([ISSUE]);
  if (!s) throw new Error('no scope');
  return s;
}

describe('YouTube adapter', () => {
  it('normalises a video (unescaped title, string statistics) and its comment', async () => {
    fake.videos = [fixtureVideo()];
    fake.comments = [fixtureComment()];
    const result = await adapter().fetch(scope(), undefined, ctx());
    expect(result.requests).toBe(3);
    expect(result.posts).toEqual([
      {
        source: 'youtube',
        sourceId: 'k3Zr8pQ1xYw',
        url: 'https://www.youtube.com/watch?v=k3Zr8pQ1xYw',
        author: { id: 'UCx9aB7cD2eF4gH6iJ8kL0mN', name: 'Kabar Metro Lokal' },
        title: 'Warga Keluhkan Antrean BBM: "Sudah 2 Jam"',
        text: 'Antrean panjang terjadi di sejumlah SPBU di Jakarta Pusat sejak pagi. Warga & pengemudi ojol mengeluh 😩',
        createdAt: '2026-03-10T03:00:12.000Z',
        lang: 'id',
        engagement: { views: 15230, likes: 412, replies: 87 },
      },
      {
        source: 'youtube',
        sourceId: 'UgzK3m9xQ2pLr7Vt4aB4AaABAg',
        url: 'https://www.youtube.com/watch?v=k3Zr8pQ1xYw&lc=UgzK3m9xQ2pLr7Vt4aB4AaABAg',
        author: { id: 'UCq1W2e3R4t5Y6u7I8o9P0aS', handle: 'dewi.bks', name: '@dewi.bks' },
        text: "Di Bekasi juga sama, pemerintah harus turun tangan 'segera'",
        createdAt: '2026-03-10T04:11:09.000Z',
        lang: 'und',
        engagement: { likes: 14, replies: 0 },
        replyTo: 'k3Zr8pQ1xYw',
      },
    ]);
    expect(result.cursor).toEqual({
      query: 'antrean|BBMLangka -impor',
      publishedAfter: '2026-03-10T03:00:12.000Z',
      watch: [
        {
          videoId: 'k3Zr8pQ1xYw',
          since: '2026-03-10T04:11:09.000Z',
          until: '2026-03-13T05:00:00.000Z',
        },
      ],
    });
    const search = fake.requests[0];
    expect(search?.pathname).toBe('/youtube/v3/search');
    expect(search?.searchParams.get('q')).toBe('antrean|BBMLangka -impor');
    expect(search?.searchParams.get('type')).toBe('video');
    expect(search?.searchParams.get('order')).toBe('date');
    expect(search?.searchParams.get('regionCode')).toBe('ID');
    expect(search?.searchParams.get('publishedAfter')).toBe('2026-03-09T05:00:00.000Z');
    expect(fake.requests[1]?.searchParams.get('part')).toBe('snippet,statistics');
  });

  it('uses textDisplay as text when textOriginal is absent, and maps replies to their parent', async () => {
    fake.videos = [fixtureVideo()];
    fake.comments = [
      {
        ...fixtureComment(),
        textOriginal: undefined,
        textDisplay:
          'Cek <a href="https://www.antaranews.com/berita/1">antaranews.com/berita/1</a><br>stok &quot;aman&quot; katanya 🙄',
        replies: [
          {
            id: 'UgzK3m9xQ2pLr7Vt4aB4AaABAg.9zReply',
            videoId: 'k3Zr8pQ1xYw',
            textDisplay: 'Setuju',
            textOriginal: 'Setuju',
            authorDisplayName: 'Pak Harto',
            authorChannelId: 'UCreply',
            likeCount: 1,
            publishedAt: '2026-03-10T04:20:00Z',
          },
        ],
      },
    ];
    const result = await adapter().fetch(scope(), undefined, ctx());
    const [, comment, reply] = result.posts;
    expect(comment?.text).toBe('Cek antaranews.com/berita/1\nstok "aman" katanya 🙄');
    expect(comment?.engagement.replies).toBe(1);
    expect(reply).toMatchObject({
      sourceId: 'UgzK3m9xQ2pLr7Vt4aB4AaABAg.9zReply',
      replyTo: 'UgzK3m9xQ2pLr7Vt4aB4AaABAg',
      author: { name: 'Pak Harto' },
      text: 'Setuju',
    });
    expect(reply?.author.handle).toBeUndefined();
  });

  it('pages search and comments, then reads only what is new on the next run', async () => {
    const { videos, comments } = makeVideos(3, 3, '2026-03-10T04:00:00.000Z');
    fake.videos = videos;
    fake.comments = comments;
    fake.pageSize = 2;
    const a = adapter({ maxPages: 2 });
    const first = await a.fetch(scope(), undefined, ctx());
    const ids = first.posts.map((p) => p.sourceId);
    expect(ids.filter((id) => id.startsWith('vid'))).toEqual([
      'vid00000000',
      'vid00000001',
      'vid00000002',
    ]);
    expect(ids.filter((id) => id.startsWith('Ugx'))).toHaveLength(9);
    // 2 search pages + 1 videos.list + 2 comment pages for each of 3 videos.
    expect(first.requests).toBe(9);

    // A new comment on the newest video and a new video.
    fake.comments.push({
      ...fixtureComment(),
      id: 'UgxNEW',
      videoId: 'vid00000000',
      publishedAt: '2026-03-10T04:50:00Z',
    });
    const more = makeVideos(1, 0, '2026-03-10T04:40:00.000Z').videos[0];
    if (!more) throw new Error('fixture');
    fake.videos.push({ ...more, videoId: 'vidNEW' });
    fake.requests.length = 0;
    const second = await a.fetch(scope(), first.cursor, ctx());
    expect(fake.requests[0]?.searchParams.get('publishedAfter')).toBe('2026-03-10T04:00:00.000Z');
    expect(second.posts.map((p) => p.sourceId).sort()).toEqual(['UgxNEW', 'vidNEW']);
    expect((second.cursor as YouTubeCursor).watch?.map((w) => w.videoId)).toEqual([
      'vidNEW',
      'vid00000000',
      'vid00000001',
      'vid00000002',
    ]);
  });

  it('returns nothing on an empty search and keeps following watched videos', async () => {
    fake.videos = [fixtureVideo()];
    const cursor: YouTubeCursor = {
      query: 'antrean|BBMLangka -impor',
      publishedAfter: '2026-03-10T04:00:00.000Z',
      watch: [{ videoId: 'k3Zr8pQ1xYw', until: '2026-03-12T00:00:00.000Z' }],
    };
    const empty = await adapter().fetch(scope(), cursor, ctx());
    expect(empty.posts).toEqual([]);
    expect(empty.cursor).toEqual({
      ...cursor,
      watch: [{ videoId: 'k3Zr8pQ1xYw', until: '2026-03-12T00:00:00.000Z' }],
    });
    expect(fake.requests.map((r) => r.pathname)).toEqual([
      '/youtube/v3/search',
      '/youtube/v3/commentThreads',
    ]);
  });

  it('drops expired and comment-less videos from the watch list', async () => {
    fake.videos = [{ ...fixtureVideo(), commentsDisabled: true }];
    const cursor: YouTubeCursor = {
      query: 'antrean|BBMLangka -impor',
      publishedAfter: '2026-03-10T04:00:00.000Z',
      watch: [
        { videoId: 'k3Zr8pQ1xYw', until: '2026-03-12T00:00:00.000Z' },
        { videoId: 'old', until: '2026-03-10T04:59:59.000Z' },
        { videoId: 'deleted', until: '2026-03-12T00:00:00.000Z' },
      ],
    };
    const result = await adapter().fetch(scope(), cursor, ctx());
    expect((result.cursor as YouTubeCursor).watch).toEqual([]);
    expect(fake.requests.filter((r) => r.searchParams.get('videoId') === 'old')).toHaveLength(0);
  });

  it('stops the source until midnight Pacific on quotaExceeded', async () => {
    fake.fail('quota');
    const err = await rejection(adapter().fetch(scope(), undefined, ctx()));
    expect(err).toBeInstanceOf(SourceQuotaExhaustedError);
    // 05:00Z on 10 March 2026 is 22:00 PDT on 9 March; the reset is 00:00 PDT = 07:00Z.
    expect((err as SourceQuotaExhaustedError).retryAt.toISOString()).toBe(
      '2026-03-10T07:00:00.000Z',
    );
    expect(fake.requests).toHaveLength(1);
  });

  it('maps rateLimitExceeded and a 429 RESOURCE_EXHAUSTED to rate-limited', async () => {
    fake.fail('rate-limit-403');
    expect(await rejection(adapter().fetch(scope(), undefined, ctx()))).toBeInstanceOf(
      SourceRateLimitedError,
    );
    fake.fail('resource-exhausted-429', 'resource-exhausted-429');
    expect(await rejection(adapter().fetch(scope(), undefined, ctx()))).toBeInstanceOf(
      SourceRateLimitedError,
    );
  });

  it('throws SourceAuthError for an invalid key, without the key in the message', async () => {
    const a = adapter({ credentials: createStaticCredentialStore({ YOUTUBE_API_KEY: 'bad' }) });
    const err = await rejection(a.fetch(scope(), undefined, ctx()));
    expect(err).toBeInstanceOf(SourceAuthError);
    expect((err as Error).message).toContain('API_KEY_INVALID');
    expect((err as Error).message).not.toContain('key=bad');
  });

  it('throws a typed malformed_response on truncated JSON', async () => {
    fake.fail('malformed');
    const err = await rejection(adapter().fetch(scope(), undefined, ctx()));
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).code).toBe('malformed_response');
    expect((err as Error).message).not.toContain(fake.key);
  });

  it('retries a backend error', async () => {
    fake.videos = [fixtureVideo()];
    fake.fail('server-error');
    const result = await adapter().fetch(scope(), undefined, ctx());
    expect(result.posts).toHaveLength(1);
  });
});

describe('nextPacificMidnight', () => {
  it('follows standard and daylight time', () => {
    expect(nextPacificMidnight(Date.parse('2026-01-15T12:00:00Z')).toISOString()).toBe(
      '2026-01-16T08:00:00.000Z',
    );
    expect(nextPacificMidnight(Date.parse('2026-07-01T06:59:00Z')).toISOString()).toBe(
      '2026-07-01T07:00:00.000Z',
    );
    // Late on 7 March (PST); the next midnight is still PST: DST starts at 02:00 on 8 March.
    expect(nextPacificMidnight(Date.parse('2026-03-08T07:30:00Z')).toISOString()).toBe(
      '2026-03-08T08:00:00.000Z',
    );
  });
});
