/**
 * A fake X API v2 recent-search server on 127.0.0.1, speaking the real shapes (research §1):
 * bearer auth, since_id / start_time filtering, next_token paging, includes.users, problem-detail
 * error bodies and x-rate-limit-* headers. Failure modes are queued per request with `fail()`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeXUser {
  id: string;
  name: string;
  username: string;
  followers: number;
}

export interface FakeTweet {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
  lang: string;
  referenced_tweets?: { type: 'quoted' | 'replied_to' | 'retweeted'; id: string }[];
  public_metrics: {
    retweet_count: number;
    reply_count: number;
    like_count: number;
    quote_count: number;
    bookmark_count: number;
    impression_count: number;
  };
  entities?: Record<string, unknown>;
}

export type XFailure =
  | 'rate-limit'
  | 'usage-cap'
  | 'usage-cap-402'
  | 'malformed'
  | 'server-error'
  | 'partial-errors'
  | 'latin1-body'
  | 'since-id-too-old'
  | 'forbidden';

export interface XFake {
  url: string;
  token: string;
  tweets: FakeTweet[];
  users: FakeXUser[];
  /** Every request's path and query, in order. */
  requests: URL[];
  /** Results per page, whatever max_results says (to exercise paging with few tweets). */
  pageSize: number;
  /** The reset epoch seconds the next 429 carries. */
  rateLimitReset: number;
  /** Server-side search (e.g. looseSearch); unset: every tweet matches every query. */
  matches?: (query: string, text: string) => boolean;
  fail(...kinds: XFailure[]): void;
  close(): Promise<void>;
}

const TWITTER_EPOCH = 1288834974657n;

/** A snowflake id for a time, as X makes them: ids sort by time. */
export function snowflake(iso: string, seq = 0): string {
  return (((BigInt(Date.parse(iso)) - TWITTER_EPOCH) << 22n) + BigInt(seq)).toString();
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
}

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export async function startXFake(
  opts: { token?: string; tweets?: FakeTweet[]; users?: FakeXUser[] } = {},
): Promise<XFake> {
  const failures: XFailure[] = [];
  const fake: XFake = {
    url: '',
    token: opts.token ?? 'x-test-bearer',
    tweets: opts.tweets ?? [],
    users: opts.users ?? [],
    requests: [],
    pageSize: 100,
    rateLimitReset: Math.floor(Date.now() / 1000) + 900,
    fail: (...kinds) => failures.push(...kinds),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    fake.requests.push(url);
    const rate = {
      'x-rate-limit-limit': '450',
      'x-rate-limit-remaining': '449',
      'x-rate-limit-reset': String(fake.rateLimitReset),
    };
    if (url.pathname !== '/2/tweets/search/recent') {
      return send(res, 404, { title: 'Not Found Error', type: 'about:blank', status: 404 });
    }
    if (req.headers.authorization !== `Bearer ${fake.token}`) {
      return send(res, 401, {
        title: 'Unauthorized',
        type: 'about:blank',
        status: 401,
        detail: 'Unauthorized',
      });
    }
    const failure = failures.shift();
    switch (failure) {
      case 'rate-limit':
        return send(
          res,
          429,
          {
            title: 'Too Many Requests',
            detail: 'Too Many Requests',
            type: 'about:blank',
            status: 429,
          },
          { ...rate, 'x-rate-limit-remaining': '0' },
        );
      case 'usage-cap':
      case 'usage-cap-402':
        return send(
          res,
          failure === 'usage-cap' ? 429 : 402,
          {
            title: 'UsageCapExceeded',
            detail: 'Usage cap exceeded: Monthly product cap',
            type: 'https://api.twitter.com/2/problems/usage-capped',
            period: 'Monthly',
            scope: 'Product',
          },
          rate,
        );
      case 'forbidden':
        return send(res, 403, {
          title: 'Forbidden',
          detail: 'Forbidden',
          type: 'https://api.twitter.com/2/problems/client-forbidden',
          reason: 'client-not-enrolled',
        });
      case 'server-error':
        return send(res, 503, { title: 'Service Unavailable', type: 'about:blank', status: 503 });
      case 'malformed':
        return send(res, 200, '{"data":[{"id":"1","text":"Antrean BBM', rate);
      case 'since-id-too-old':
        if (url.searchParams.has('since_id')) {
          return send(res, 400, {
            errors: [
              {
                parameters: { since_id: [url.searchParams.get('since_id')] },
                message: `Invalid 'since_id':'${url.searchParams.get('since_id')}'. 'since_id' must be a tweet id created after 2026-03-03T00:00Z.`,
              },
            ],
            title: 'Invalid Request',
            detail: 'One or more parameters to your request was invalid.',
            type: 'https://api.twitter.com/2/problems/invalid-request',
          });
        }
        break;
      default:
        break;
    }

    const query = url.searchParams.get('query');
    if (!query) {
      return send(res, 400, {
        title: 'Invalid Request',
        detail: 'One or more parameters to your request was invalid.',
        type: 'https://api.twitter.com/2/problems/invalid-request',
        errors: [{ message: 'The `query` query parameter can not be empty', parameters: {} }],
      });
    }
    const sinceId = url.searchParams.get('since_id');
    const startTime = url.searchParams.get('start_time');
    const max = Math.min(fake.pageSize, Number(url.searchParams.get('max_results') ?? '10') || 10);
    const matching = [...fake.tweets]
      .sort((a, b) => compareIds(b.id, a.id))
      .filter((t) => (sinceId ? compareIds(t.id, sinceId) > 0 : true))
      .filter((t) => (startTime ? Date.parse(t.created_at) >= Date.parse(startTime) : true))
      .filter((t) => (fake.matches ? fake.matches(query, t.text) : true));
    const token = url.searchParams.get('next_token');
    const offset = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
    const page = matching.slice(offset, offset + max);
    if (page.length === 0) return send(res, 200, { meta: { result_count: 0 } }, rate);
    const authorIds = new Set(page.map((t) => t.author_id));
    const body: Record<string, unknown> = {
      data: page,
      includes: { users: fake.users.filter((u) => authorIds.has(u.id)).map(toApiUser) },
      meta: {
        newest_id: page[0]?.id,
        oldest_id: page[page.length - 1]?.id,
        result_count: page.length,
        ...(offset + max < matching.length
          ? { next_token: Buffer.from(String(offset + max)).toString('base64url') }
          : {}),
      },
    };
    if (failure === 'partial-errors') {
      body.errors = [
        {
          value: '2031187792360386577',
          detail: 'Could not find tweet with referenced_tweets.id: [2031187792360386577].',
          title: 'Not Found Error',
          resource_type: 'tweet',
          parameter: 'referenced_tweets.id',
          resource_id: '2031187792360386577',
          type: 'https://api.twitter.com/2/problems/resource-not-found',
        },
      ];
    }
    if (failure === 'latin1-body') {
      // A broken proxy re-encoding the body to Latin-1 (emoji lost as '?', 'é' as byte 0xE9) while
      // the header still says UTF-8: the bytes are not valid UTF-8 any more.
      const json = JSON.stringify(body).replace(/\p{Extended_Pictographic}/gu, 'é');
      return send(res, 200, Buffer.from(json, 'latin1'), rate);
    }
    return send(res, 200, body, rate);
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

function toApiUser(u: FakeXUser) {
  return {
    id: u.id,
    name: u.name,
    username: u.username,
    verified: false,
    public_metrics: {
      followers_count: u.followers,
      following_count: 100,
      tweet_count: 1000,
      listed_count: 1,
    },
  };
}

/** The research fixture's tweet: emoji before the entities, a quote reference. */
export const FIXTURE_USER: FakeXUser = {
  id: '1402938475610293847',
  name: 'Rina S.',
  username: 'rinas_jkt',
  followers: 1520,
};

export function fixtureTweet(): FakeTweet {
  return {
    id: '2031192246711251067',
    text: 'Antrean BBM di SPBU Jl. Sudirman sudah 2 jam 😩 Mohon @KemenESDM cek stok #BBMLangka https://t.co/Xa7bQ2kLmN',
    author_id: FIXTURE_USER.id,
    created_at: '2026-03-10T02:15:44.000Z',
    lang: 'in',
    referenced_tweets: [{ type: 'quoted', id: '2031187792360386577' }],
    public_metrics: {
      retweet_count: 41,
      reply_count: 12,
      like_count: 230,
      quote_count: 5,
      bookmark_count: 3,
      impression_count: 18450,
    },
    entities: {
      mentions: [{ start: 53, end: 63, username: 'KemenESDM', id: '1118422019101106176' }],
      hashtags: [{ start: 73, end: 83, tag: 'BBMLangka' }],
      urls: [
        {
          start: 84,
          end: 107,
          url: 'https://t.co/Xa7bQ2kLmN',
          expanded_url: 'https://www.antaranews.com/berita/5123456',
          display_url: 'antaranews.com/berita/5123456',
        },
      ],
    },
  };
}

const TEMPLATES = [
  'Harga beras di pasar naik lagi, Rp15.000/kg 😤 #hargaberas',
  'Antrean BBM di SPBU dekat rumah udah 1 jam lebih, tolong dicek @KemenESDM',
  'Alhamdulillah stok beras di Bulog aman, harga mulai turun 🙏',
  'Banjir lagi di Kemang, air setinggi lutut &amp; pompa belum jalan #banjirjakarta',
  'Pelayanan BPJS di puskesmas sekarang lebih cepat, mantap 👍',
];

/** `n` realistic tweets from `users`, one minute apart ending at `endIso`, newest first. */
export function makeTweets(n: number, endIso: string, users: FakeXUser[]): FakeTweet[] {
  const end = Date.parse(endIso);
  const out: FakeTweet[] = [];
  for (let i = 0; i < n; i++) {
    const created = new Date(end - i * 60_000).toISOString();
    const user = users[i % users.length] as FakeXUser;
    out.push({
      id: snowflake(created, i % 4096),
      text: TEMPLATES[i % TEMPLATES.length] as string,
      author_id: user.id,
      created_at: created,
      lang: i % 7 === 0 ? 'en' : 'in',
      public_metrics: {
        retweet_count: i % 13,
        reply_count: i % 5,
        like_count: (i * 7) % 101,
        quote_count: i % 3,
        bookmark_count: 0,
        impression_count: 100 + i,
      },
    });
  }
  return out;
}
