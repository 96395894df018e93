/**
 * A collector run over 50 issues against the fake source servers (real HTTP on 127.0.0.1),
 * storing into DynamoDB Local, per source: wall time, requests the fakes served, posts seen,
 * mentions written. First as one invocation per source, then fanned out with the production
 * policies (lib/pipeline/collect-fanout.ts), shards run in process as the local runtime runs them,
 * into a second table, so both runs start from empty cursors.
 *
 * Volumes are a busy hour: searches return only what the query finds (looseSearch), topic
 * popularity is skewed (a few issues get hundreds of posts and page, most get a few dozen), news
 * portals serve 60-item feeds, YouTube serves videos with comment threads.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SourceAdapter } from '../../lib/domain/ports.ts';
import type { Issue, SourceName } from '../../lib/domain/types.ts';
import { startDynamoDbLocal } from '../../lib/local/dynamodb-local.ts';
import { type CollectReport, createCollectUseCase } from '../../lib/pipeline/collect.ts';
import {
  createCollectDispatcher,
  createInProcessShardInvoker,
} from '../../lib/pipeline/collect-dispatch.ts';
import type { ShardEvent } from '../../lib/pipeline/collect-fanout.ts';
import { compileForSource, parseQuery } from '../../lib/query/index.ts';
import { silentLog } from '../../lib/runtime/log.ts';
import { mulberry32 } from '../../lib/runtime/seeded-random.ts';
import { createBlueskyAdapter, createMemorySessionStore } from '../../lib/sources/bluesky.ts';
import { createStaticCredentialStore } from '../../lib/sources/credentials.ts';
import { createGoogleNewsSource } from '../../lib/sources/google-news.ts';
import { createHttpClient } from '../../lib/sources/http.ts';
import { createMastodonAdapter } from '../../lib/sources/mastodon.ts';
import { createRssSource } from '../../lib/sources/rss.ts';
import { createXAdapter } from '../../lib/sources/x.ts';
import { createYouTubeAdapter } from '../../lib/sources/youtube.ts';
import {
  createDocumentClient,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
} from '../../lib/storage/clients.ts';
import { createRepositories } from '../../lib/storage/repositories.ts';
import { createTableInput } from '../../lib/storage/table-definition.ts';
import { type FakeBskyPost, startBlueskyFake } from '../fakes/bluesky-server.ts';
import { type FakeToot, startMastodonFake } from '../fakes/mastodon-server.ts';
import { type FakeItem, rssXml, startFakeRssServer } from '../fakes/rss-server.ts';
import { looseSearch } from '../fakes/search-match.ts';
import { type FakeTweet, type FakeXUser, snowflake, startXFake } from '../fakes/x-server.ts';
import { type FakeComment, type FakeVideo, startYouTubeFake } from '../fakes/youtube-server.ts';

/** 50 issues Indonesian PR units watch, as officials write them. */
const TOPICS: { query: string; term: string }[] = [
  { query: 'beras OR "harga beras"', term: 'harga beras' },
  { query: 'BBM OR SPBU', term: 'BBM' },
  { query: 'banjir', term: 'banjir' },
  { query: 'macet OR kemacetan', term: 'macet' },
  { query: 'BPJS', term: 'BPJS' },
  { query: 'PPDB OR zonasi', term: 'PPDB' },
  { query: 'stunting', term: 'stunting' },
  { query: 'bansos OR "bantuan sosial"', term: 'bansos' },
  { query: 'PLN OR "listrik padam"', term: 'listrik padam' },
  { query: 'tilang OR ETLE', term: 'tilang' },
  { query: 'sampah', term: 'sampah' },
  { query: 'KRL OR commuterline', term: 'KRL' },
  { query: 'TransJakarta', term: 'TransJakarta' },
  { query: 'gempa', term: 'gempa' },
  { query: 'polusi OR "kualitas udara"', term: 'polusi' },
  { query: '"minyak goreng"', term: 'minyak goreng' },
  { query: 'cabai', term: 'cabai' },
  { query: 'pupuk', term: 'pupuk' },
  { query: 'elpiji OR LPG', term: 'elpiji' },
  { query: 'pajak', term: 'pajak' },
  { query: 'paspor', term: 'paspor' },
  { query: 'haji', term: 'haji' },
  { query: 'vaksin', term: 'vaksin' },
  { query: 'DBD OR "demam berdarah"', term: 'DBD' },
  { query: 'puskesmas', term: 'puskesmas' },
  { query: '"jalan rusak"', term: 'jalan rusak' },
  { query: 'PDAM OR "air bersih"', term: 'PDAM' },
  { query: 'ojol', term: 'ojol' },
  { query: 'UMR OR "upah minimum"', term: 'UMR' },
  { query: 'PHK', term: 'PHK' },
  { query: '"judi online" OR judol', term: 'judi online' },
  { query: 'pinjol', term: 'pinjol' },
  { query: 'hoaks', term: 'hoaks' },
  { query: 'pilkada', term: 'pilkada' },
  { query: 'IKN', term: 'IKN' },
  { query: '"kereta cepat"', term: 'kereta cepat' },
  { query: 'tol', term: 'tol' },
  { query: 'nelayan', term: 'nelayan' },
  { query: 'petani', term: 'petani' },
  { query: '"guru honorer"', term: 'guru honorer' },
  { query: 'beasiswa OR KIP', term: 'beasiswa' },
  { query: 'kebakaran', term: 'kebakaran' },
  { query: 'longsor', term: 'longsor' },
  { query: 'kekeringan', term: 'kekeringan' },
  { query: 'tawuran', term: 'tawuran' },
  { query: 'posyandu', term: 'posyandu' },
  { query: 'rusun OR "rumah susun"', term: 'rusun' },
  { query: 'imigrasi', term: 'imigrasi' },
  { query: '#banjirjakarta', term: '#banjirjakarta' },
  { query: 'gula', term: 'gula' },
];
/**
 * Social posts span the last 40 minutes: inside the adapters' 60-minute first lookback for the
 * whole bench (several minutes), so every run sees the same corpus.
 */
const WINDOW_MIN = 40;
const SOURCES: SourceName[] = ['rss', 'google-news', 'x', 'youtube', 'bluesky', 'mastodon'];
const CITIES = ['Jakarta', 'Bekasi', 'Bandung', 'Surabaya', 'Medan', 'Makassar', 'Semarang'];
const TEMPLATES = [
  (t: string, c: string) => `Warga ${c} keluhkan ${t} lagi, sudah dua hari belum ada solusi 😤`,
  (t: string, c: string) => `Pemkot ${c} janji tangani ${t} pekan ini, kita tunggu buktinya`,
  (t: string, c: string) =>
    `Alhamdulillah soal ${t} di ${c} mulai membaik, terima kasih petugas 🙏`,
  (t: string, c: string) => `Info terbaru ${t} di ${c}: cek jadwal dan lokasi di akun resmi`,
];
const NOISE = [
  'Selamat pagi semua, semoga harimu menyenangkan ☀️',
  'Nonton bola semalam seru banget',
  'Resep sambal matah ala rumahan, gampang dan enak',
];

const issues: Issue[] = TOPICS.map((t, i) => ({
  tenantId: `pemda-${i % 5}`,
  id: `isu-${String(i).padStart(2, '0')}`,
  name: t.term,
  query: t.query,
  sources: SOURCES,
  languages: ['id'],
  status: 'active',
  detector: {},
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-01T00:00:00.000Z',
}));

/** A topic index with Zipf-like popularity (topic k weighs 1/(k+1)), or -1 for off-topic chatter. */
function topicPicker(rand: () => number): () => number {
  const weights = TOPICS.map((_, k) => 1 / (k + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return () => {
    if (rand() < 0.15) return -1;
    let r = rand() * total;
    for (const [k, w] of weights.entries()) {
      r -= w;
      if (r <= 0) return k;
    }
    return TOPICS.length - 1;
  };
}

interface Generated {
  text: string;
  topic: number;
}

function corpus(n: number, seed: number): Generated[] {
  const rand = mulberry32(seed);
  const pick = topicPicker(rand);
  return Array.from({ length: n }, (_, i) => {
    const topic = pick();
    if (topic < 0) return { text: NOISE[i % NOISE.length] as string, topic };
    const term = (TOPICS[topic] as { term: string }).term;
    const city = CITIES[Math.floor(rand() * CITIES.length)] as string;
    const template = TEMPLATES[Math.floor(rand() * TEMPLATES.length)] as (typeof TEMPLATES)[0];
    return { text: template(term, city), topic };
  });
}

/** Mastodon tags of a topic: what the issue query compiles to on Mastodon. */
function tagsOf(topic: number): string[] {
  if (topic < 0) return ['pagi'];
  const compiled = compileForSource(
    parseQuery((TOPICS[topic] as { query: string }).query),
    'mastodon',
  );
  return (compiled ?? '').split(/\s+/).filter(Boolean).slice(0, 1);
}

interface Rig {
  source: SourceName;
  /** A fresh adapter (fresh login, nothing cached) per run. */
  adapter(): SourceAdapter;
  requests(): number;
  close(): Promise<void>;
}

const http = createHttpClient({ maxRetries: 1, baseDelayMs: 1 });

async function startRigs(now: number): Promise<Rig[]> {
  const minutesAgo = (m: number) => new Date(now - m * 60_000).toISOString();
  const rigs: Rig[] = [];

  // News portals: 12 RSS feeds of 60 items; Google News answers each issue's search.
  const news = corpus(12 * 60 + 1500, 11).map((g, i) => ({
    title: g.text.slice(0, 90),
    link: `https://portal-${i % 12}.example.id/berita/${i}/artikel`,
    guid: `https://portal-${i % 12}.example.id/berita/${i}`,
    pubDate: new Date(now - (i % 600) * 60_000).toUTCString(),
    description: `<p>${g.text}</p><p>Baca selengkapnya di portal.</p>`,
  })) satisfies FakeItem[];
  const routes = Object.fromEntries(
    Array.from({ length: 12 }, (_, f) => [
      `/feed/${f}.xml`,
      { body: rssXml(news.slice(f * 60, f * 60 + 60)), etag: `"feed-${f}"` },
    ]),
  );
  const feedServer = await startFakeRssServer(routes);
  rigs.push({
    source: 'rss',
    adapter: () =>
      createRssSource({
        http,
        feeds: Object.keys(routes).map((path) => feedServer.url(path)),
      }),
    requests: () => feedServer.requests.length,
    close: () => feedServer.close(),
  });
  const googleCorpus = news.slice(12 * 60);
  const google = await startFakeRssServer({}, (q) => ({
    body: rssXml(
      googleCorpus
        .filter((item) => looseSearch(q.get('q') ?? '', `${item.title} ${item.description}`))
        .slice(0, 100),
    ),
  }));
  rigs.push({
    source: 'google-news',
    adapter: () => createGoogleNewsSource({ http, baseUrl: google.baseUrl }),
    requests: () => google.requests.length,
    close: () => google.close(),
  });

  // X: 6,000 tweets in the last hour, 100 per page.
  const users: FakeXUser[] = Array.from({ length: 40 }, (_, u) => ({
    id: String(1_000_000 + u),
    name: `Warga ${u}`,
    username: `warga_${u}`,
    followers: 10 * u,
  }));
  const tweets: FakeTweet[] = corpus(6000, 21).map((g, i) => {
    const created = new Date(
      now - 60_000 - Math.floor((i * WINDOW_MIN * 60_000) / 6000),
    ).toISOString();
    return {
      id: snowflake(created, i % 4096),
      text: g.text,
      author_id: (users[i % users.length] as FakeXUser).id,
      created_at: created,
      lang: 'in',
      public_metrics: {
        retweet_count: i % 13,
        reply_count: i % 5,
        like_count: i % 101,
        quote_count: i % 3,
        bookmark_count: 0,
        impression_count: 100 + i,
      },
    };
  });
  const x = await startXFake({ tweets, users });
  x.matches = looseSearch;
  rigs.push({
    source: 'x',
    adapter: () =>
      createXAdapter({
        http,
        credentials: createStaticCredentialStore({ X_BEARER_TOKEN: x.token }),
        endpoint: x.url,
      }),
    requests: () => x.requests.length,
    close: () => x.close(),
  });

  // YouTube: 400 videos of the last day, 30 comment threads each.
  const yt = await startYouTubeFake();
  yt.matches = looseSearch;
  const videos: FakeVideo[] = [];
  const comments: FakeComment[] = [];
  const commentTexts = corpus(400 * 30, 31);
  for (const [v, g] of corpus(400, 32).entries()) {
    const videoId = `vid${String(v).padStart(8, '0')}`;
    const publishedAt = new Date(now - (v * 3 + 5) * 60_000).toISOString().replace('.000Z', 'Z');
    videos.push({
      videoId,
      publishedAt,
      channelId: `UCkanal${v % 12}`,
      channelTitle: `Kanal Berita ${v % 12}`,
      title: g.text.slice(0, 70).replace(/&/g, '&amp;'),
      description: g.text,
      defaultAudioLanguage: 'id',
      viewCount: String(1000 + v),
      likeCount: String(10 + v),
      commentCount: '30',
    });
    for (let c = 0; c < 30; c++) {
      // Comments mostly talk about the video's topic, in their own words.
      const own = commentTexts[v * 30 + c] as Generated;
      const text = c % 2 === 0 ? g.text.replace(/^Warga/, 'Di sini juga,') : own.text;
      comments.push({
        id: `Ugx${videoId}c${c}`,
        videoId,
        textDisplay: text,
        textOriginal: text,
        authorDisplayName: `@warga${c}`,
        authorChannelId: `UCwarga${c}`,
        likeCount: c,
        publishedAt: new Date(Date.parse(publishedAt) + (c + 1) * 20_000).toISOString(),
      });
    }
  }
  yt.videos = videos;
  yt.comments = comments;
  rigs.push({
    source: 'youtube',
    adapter: () =>
      createYouTubeAdapter({
        http,
        credentials: createStaticCredentialStore({ YOUTUBE_API_KEY: yt.key }),
        endpoint: yt.url,
      }),
    requests: () => yt.requests.length,
    close: () => yt.close(),
  });

  // Bluesky: 4,000 posts in the last hour, 100 per page.
  const bsky = await startBlueskyFake();
  bsky.matches = looseSearch;
  bsky.posts = corpus(4000, 41).map((g, i): FakeBskyPost => {
    const at = minutesAgo(1 + (i * WINDOW_MIN) / 4000);
    const did = `did:plc:warga${String(i % 60).padStart(19, '0')}`;
    return {
      uri: `at://${did}/app.bsky.feed.post/3mg${String(i).padStart(10, '0')}`,
      cid: `bafy${i}`,
      author: { did, handle: `warga${i % 60}.bsky.social`, displayName: `Warga ${i % 60}` },
      record: { $type: 'app.bsky.feed.post', text: g.text, createdAt: at, langs: ['id'] },
      replyCount: i % 3,
      repostCount: i % 4,
      likeCount: i % 11,
      quoteCount: 0,
      indexedAt: at,
    };
  });
  const bskyCredentials = createStaticCredentialStore({
    BLUESKY_HANDLE: bsky.handle,
    BLUESKY_APP_PASSWORD: bsky.password,
  });
  rigs.push({
    source: 'bluesky',
    adapter: () =>
      createBlueskyAdapter({
        http,
        credentials: bskyCredentials,
        sessions: createMemorySessionStore(),
        endpoint: bsky.url,
      }),
    requests: () => bsky.requests.length,
    close: () => bsky.close(),
  });

  // Mastodon: 3,000 tagged toots on one instance, 40 per page.
  const masto = await startMastodonFake();
  const mastoStart = now - (WINDOW_MIN + 1) * 60_000;
  masto.toots = corpus(3000, 51).map((g, i): FakeToot => {
    const at = mastoStart + Math.floor((i * WINDOW_MIN * 60_000) / 3000);
    const tags = tagsOf(g.topic);
    return {
      id: ((BigInt(at) << 16n) + BigInt(i)).toString(),
      created_at: new Date(at).toISOString(),
      content: `<p>${g.text} ${tags.map((t) => `#<span>${t}</span>`).join(' ')}</p>`,
      language: 'id',
      tags,
      account: {
        id: String(1000 + (i % 30)),
        username: `warga${i % 30}`,
        acct: `warga${i % 30}`,
        display_name: `Warga ${i % 30}`,
        followers_count: 10 * (i % 30),
      },
      replies_count: i % 3,
      reblogs_count: i % 4,
      favourites_count: i % 9,
    };
  });
  rigs.push({
    source: 'mastodon',
    adapter: () =>
      createMastodonAdapter({
        http,
        credentials: createStaticCredentialStore({ MASTODON_INSTANCES: masto.url }),
        instances: [masto.url],
      }),
    requests: () => masto.requests.length,
    close: () => masto.close(),
  });
  return rigs;
}

interface RunFigures {
  wallMs: number;
  requests: number;
  postsSeen: number;
  written: number;
  duplicates: number;
  errors: number;
  invocations: number;
  /** The longest single invocation (planner or shard) and the most scopes one handled. */
  longestMs: number;
  maxScopes: number;
  shards: number;
  lanes: number;
  stoppedBy: string;
}

async function collectOnce(
  rig: Rig,
  repos: ReturnType<typeof createRepositories>,
  fanout: boolean,
): Promise<RunFigures> {
  const useCase = createCollectUseCase({ repos, adapters: { [rig.source]: rig.adapter() } });
  const reports: CollectReport[] = [];
  const events: ShardEvent[] = [];
  const deadline = () => Date.now() + 280_000;
  const invoker = createInProcessShardInvoker(async (event) => {
    events.push(event);
    const outcome = await dispatcher.dispatch(event, { deadline: deadline() });
    if (outcome.kind === 'run') reports.push(outcome.report);
  }, silentLog);
  const dispatcher = createCollectDispatcher({
    useCase,
    invoker,
    log: silentLog,
    intervalMs: 15 * 60_000,
    // Unsharded: the whole source in one invocation, as before fan-out existed.
    ...(fanout ? {} : { policy: () => ({ scopesPerShard: Number.MAX_SAFE_INTEGER, maxLanes: 1 }) }),
  });
  const before = rig.requests();
  const t0 = performance.now();
  const outcome = await dispatcher.dispatch({ source: rig.source }, { deadline: deadline() });
  await invoker.idle();
  const wallMs = performance.now() - t0;
  if (outcome.kind === 'run') reports.push(outcome.report);
  const sum = (f: (r: CollectReport) => number) => reports.reduce((a, r) => a + f(r), 0);
  return {
    wallMs: Math.round(wallMs),
    requests: rig.requests() - before,
    postsSeen: sum((r) => r.postsSeen),
    written: sum((r) => r.written),
    duplicates: sum((r) => r.duplicates),
    errors: sum((r) => r.errors),
    invocations: 1 + events.length,
    longestMs: Math.max(...reports.map((r) => Date.parse(r.finishedAt) - Date.parse(r.startedAt))),
    maxScopes: Math.max(...reports.map((r) => r.scopes.length + r.skippedScopes.length)),
    shards: outcome.kind === 'fanout' ? outcome.fanout.shards : 1,
    lanes: outcome.kind === 'fanout' ? outcome.fanout.lanes : 1,
    stoppedBy: [...new Set(reports.map((r) => r.stoppedBy ?? 'done'))].join('+'),
  };
}

export async function run(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const ddb = await startDynamoDbLocal();
  const rigs = await startRigs(Date.now());
  try {
    const config = { endpoint: ddb.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const client = new DynamoDBClient(config);
    const doc = createDocumentClient(config);
    const tables: Record<'one' | 'fanout', ReturnType<typeof createRepositories>> = {
      one: createRepositories({ doc, tableName: 'bench-collect50-one' }),
      fanout: createRepositories({ doc, tableName: 'bench-collect50-fanout' }),
    };
    const scratch = createRepositories({ doc, tableName: 'bench-collect50-warmup' });
    for (const name of [
      'bench-collect50-one',
      'bench-collect50-fanout',
      'bench-collect50-warmup',
    ]) {
      await client.send(new CreateTableCommand(createTableInput(name)));
    }
    client.destroy();
    for (const i of issues) {
      await tables.one.issues.create(i);
      await tables.fanout.issues.create(i);
      await scratch.issues.create(i);
    }
    // DynamoDB Local (a JVM) and the HTTP stack warm up on a scratch table first, so the first
    // measured source does not pay for it.
    for (const rig of rigs) await collectOnce(rig, scratch, false);
    out.issues = issues.length;
    const totals = { one: 0, fanout: 0 };
    for (const rig of rigs) {
      const one = await collectOnce(rig, tables.one, false);
      const fan = await collectOnce(rig, tables.fanout, true);
      const again = await collectOnce(rig, tables.fanout, true);
      const s = rig.source;
      out[`${s}: wall ms (1 invocation)`] = one.wallMs;
      out[`${s}: requests`] = one.requests;
      out[`${s}: posts seen`] = one.postsSeen;
      out[`${s}: mentions written`] = one.written;
      if (one.errors > 0 || one.stoppedBy !== 'done') {
        out[`${s}: errors / stopped by`] = `${one.errors} / ${one.stoppedBy}`;
      }
      out[`${s}: fan-out shards x lanes`] = `${fan.shards} x ${fan.lanes}`;
      out[`${s}: fan-out wall ms`] = fan.wallMs;
      out[`${s}: fan-out invocations`] = fan.invocations;
      out[`${s}: scopes in the largest invocation (1 / fan-out)`] =
        `${one.maxScopes} / ${fan.maxScopes}`;
      out[`${s}: longest invocation ms (1 / fan-out)`] = `${one.longestMs} / ${fan.longestMs}`;
      out[`${s}: fan-out requests`] = fan.requests;
      out[`${s}: fan-out posts seen`] = fan.postsSeen;
      out[`${s}: fan-out mentions written`] = fan.written;
      // Searches capped at maxPages resume from their stored next_token/cursor on the re-run.
      out[`${s}: re-run written / duplicates`] = `${again.written} / ${again.duplicates}`;
      totals.one += one.wallMs;
      totals.fanout += fan.wallMs;
    }
    out['all six sources: wall ms one after the other (1 invocation each)'] = totals.one;
    out['all six sources: wall ms one after the other (fan-out)'] = totals.fanout;
    doc.destroy();
  } finally {
    for (const r of rigs) await r.close();
    await ddb.stop();
  }
  return out;
}
