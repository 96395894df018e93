/**
 * Posts normalised per second per social source: end to end through the real adapter, the shared
 * HTTP client and the fake server on loopback (JSON parse, paging, normalisation), and the
 * normalisation step alone on already-parsed pages. Median of several runs.
 */
import { performance } from 'node:perf_hooks';
import type { CollectContext, SourceAdapter } from '../../lib/domain/ports.ts';
import type { Issue, SourceName } from '../../lib/domain/types.ts';
import {
  createBlueskyAdapter,
  createMemorySessionStore,
  normalizeBlueskyPost,
} from '../../lib/sources/bluesky.ts';
import { createStaticCredentialStore } from '../../lib/sources/credentials.ts';
import { createHttpClient } from '../../lib/sources/http.ts';
import { createMastodonAdapter, normalizeMastodonStatus } from '../../lib/sources/mastodon.ts';
import { createXAdapter, normalizeXTweet } from '../../lib/sources/x.ts';
import { createYouTubeAdapter, normalizeComment } from '../../lib/sources/youtube.ts';
import { fixtureBskyPost, makeBskyPosts, startBlueskyFake } from '../fakes/bluesky-server.ts';
import { makeToots, startMastodonFake } from '../fakes/mastodon-server.ts';
import { FIXTURE_USER, fixtureTweet, makeTweets, startXFake } from '../fakes/x-server.ts';
import { makeVideos, startYouTubeFake } from '../fakes/youtube-server.ts';
import { median } from './stats.ts';

const RUNS = 5;
const END = '2026-03-10T02:00:00.000Z';
const NOW = new Date('2026-03-10T03:00:00.000Z');

function issue(source: SourceName, query: string): Issue {
  return {
    tenantId: 'bench',
    id: `bench-${source}`,
    name: 'bench',
    query,
    sources: [source],
    languages: [],
    status: 'active',
    detector: {},
    createdAt: END,
    updatedAt: END,
  };
}

async function endToEnd(
  adapter: SourceAdapter,
  i: Issue,
  cursor: Record<string, unknown> | undefined,
): Promise<{ postsPerSecond: number; posts: number; requests: number }> {
  const [scope] = adapter.scopes([i]);
  if (!scope) throw new Error('no scope');
  const rates: number[] = [];
  let posts = 0;
  let requests = 0;
  for (let r = 0; r < RUNS; r++) {
    const ctx: CollectContext = { now: NOW, deadline: Date.now() + 120_000 };
    const t0 = performance.now();
    const result = await adapter.fetch(scope, cursor, ctx);
    const ms = performance.now() - t0;
    posts = result.posts.length;
    requests = result.requests;
    rates.push(posts / (ms / 1000));
  }
  return { postsPerSecond: median(rates), posts, requests };
}

function normaliseRate(count: number, fn: () => void): number {
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    fn();
    rates.push(count / ((performance.now() - t0) / 1000));
  }
  return median(rates);
}

export async function run(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const http = createHttpClient();

  // X: 2,000 posts, 20 pages of 100.
  const users = [FIXTURE_USER, { id: '11', name: 'Budi', username: 'budi', followers: 88 }];
  const x = await startXFake({ users, tweets: [fixtureTweet(), ...makeTweets(1999, END, users)] });
  try {
    const adapter = createXAdapter({
      http,
      credentials: createStaticCredentialStore({ X_BEARER_TOKEN: x.token }),
      endpoint: x.url,
      maxPages: 20,
      initialLookbackMinutes: 7 * 24 * 60,
    });
    const e = await endToEnd(adapter, issue('x', 'antrean OR beras OR banjir'), undefined);
    out['x.posts_per_s_end_to_end'] = e.postsPerSecond;
    out['x.posts_per_run'] = e.posts;
    out['x.requests_per_run'] = e.requests;
    const userMap = new Map(
      users.map((u) => [u.id, { ...u, public_metrics: { followers_count: 1 } }]),
    );
    out['x.posts_per_s_normalise_only'] = normaliseRate(x.tweets.length, () => {
      for (const t of x.tweets) normalizeXTweet(t, userMap);
    });
  } finally {
    await x.close();
  }

  // YouTube: 40 videos with 50 comments each (one search page, one videos.list, 40 comment pages).
  const yt = await startYouTubeFake();
  try {
    const { videos, comments } = makeVideos(40, 50, END);
    yt.videos = videos;
    yt.comments = comments;
    const adapter = createYouTubeAdapter({
      http,
      credentials: createStaticCredentialStore({ YOUTUBE_API_KEY: yt.key }),
      endpoint: yt.url,
      maxWatchedVideos: 40,
      maxCommentPages: 1,
      initialLookbackHours: 24 * 7,
    });
    const e = await endToEnd(adapter, issue('youtube', 'antrean OR beras'), undefined);
    out['youtube.posts_per_s_end_to_end'] = e.postsPerSecond;
    out['youtube.posts_per_run'] = e.posts;
    out['youtube.requests_per_run'] = e.requests;
    const raw = comments.map((c) => ({
      id: c.id,
      snippet: {
        videoId: c.videoId,
        textDisplay: c.textDisplay,
        authorDisplayName: c.authorDisplayName,
        authorChannelId: { value: c.authorChannelId },
        likeCount: c.likeCount,
        publishedAt: c.publishedAt,
      },
    }));
    out['youtube.comments_per_s_normalise_only'] = normaliseRate(raw.length, () => {
      for (const c of raw) normalizeComment(c, c.snippet.videoId);
    });
  } finally {
    await yt.close();
  }

  // Bluesky: 2,000 posts, 20 pages of 100, one login.
  const bsky = await startBlueskyFake();
  try {
    bsky.posts = [fixtureBskyPost(), ...makeBskyPosts(1999, END)];
    const adapter = createBlueskyAdapter({
      http,
      credentials: createStaticCredentialStore({
        BLUESKY_HANDLE: bsky.handle,
        BLUESKY_APP_PASSWORD: bsky.password,
      }),
      sessions: createMemorySessionStore(),
      endpoint: bsky.url,
      maxPages: 20,
      initialLookbackMinutes: 7 * 24 * 60,
    });
    const e = await endToEnd(adapter, issue('bluesky', 'banjir OR beras'), undefined);
    out['bluesky.posts_per_s_end_to_end'] = e.postsPerSecond;
    out['bluesky.posts_per_run'] = e.posts;
    out['bluesky.requests_per_run'] = e.requests;
    out['bluesky.posts_per_s_normalise_only'] = normaliseRate(bsky.posts.length, () => {
      for (const p of bsky.posts) normalizeBlueskyPost(p);
    });
  } finally {
    await bsky.close();
  }

  // Mastodon: 2,000 toots paged forward from an old min_id, 50 pages of 40.
  const masto = await startMastodonFake();
  try {
    masto.toots = makeToots(2000, END);
    const adapter = createMastodonAdapter({
      http,
      credentials: createStaticCredentialStore({ MASTODON_INSTANCES: masto.url }),
      maxPages: 50,
    });
    const cursor = { query: 'banjir', minIds: { [`${masto.url}|banjir`]: '1' } };
    const e = await endToEnd(adapter, issue('mastodon', '#banjir'), cursor);
    out['mastodon.posts_per_s_end_to_end'] = e.postsPerSecond;
    out['mastodon.posts_per_run'] = e.posts;
    out['mastodon.requests_per_run'] = e.requests;
    const statuses = masto.toots.map((t) => ({ ...t, uri: `${masto.url}/s/${t.id}` }));
    out['mastodon.posts_per_s_normalise_only'] = normaliseRate(statuses.length, () => {
      for (const s of statuses) normalizeMastodonStatus(s, masto.url);
    });
  } finally {
    await masto.close();
  }
  return out;
}
