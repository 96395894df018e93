/**
 * A fake Bluesky PDS on 127.0.0.1 (research §3): `com.atproto.server.createSession` and
 * `refreshSession` with app-password login and rotating tokens, `app.bsky.feed.searchPosts` with
 * bearer auth, `since`, `limit` and an opaque `cursor`, XRPC error bodies (AuthMissing,
 * ExpiredToken, AuthenticationRequired, BadQueryString) and 429s with `RateLimit-*` headers.
 * Failure modes are queued per request with `fail()`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeBskyPost {
  uri: string;
  cid: string;
  author: { did: string; handle: string; displayName?: string };
  record: Record<string, unknown> & { text: string; createdAt: string };
  replyCount: number;
  repostCount: number;
  likeCount: number;
  quoteCount: number;
  indexedAt: string;
  embed?: Record<string, unknown>;
}

export type BlueskyFailure =
  | 'rate-limit'
  | 'login-rate-limit'
  | 'malformed'
  | 'server-error'
  | 'bad-query'
  | 'expire-access'
  | 'expire-refresh';

export interface BlueskyFake {
  url: string;
  handle: string;
  password: string;
  posts: FakeBskyPost[];
  requests: { method: string; url: URL; authorization?: string }[];
  createSessionCalls: number;
  refreshCalls: number;
  /** Epoch seconds the next 429 announces. */
  rateLimitReset: number;
  /** Server-side search; unset: every post matches every query. */
  matches?: (query: string, text: string) => boolean;
  fail(...kinds: BlueskyFailure[]): void;
  close(): Promise<void>;
}

const DID = 'did:plc:pantautestaccount0000000';

export async function startBlueskyFake(
  opts: { handle?: string; password?: string } = {},
): Promise<BlueskyFake> {
  const failures: BlueskyFailure[] = [];
  let serial = 0;
  const access = new Set<string>();
  const refresh = new Set<string>();
  const fake: BlueskyFake = {
    url: '',
    handle: opts.handle ?? 'pantau-test.bsky.social',
    password: opts.password ?? 'abcd-efgh-ijkl-mnop',
    posts: [],
    requests: [],
    createSessionCalls: 0,
    refreshCalls: 0,
    rateLimitReset: Math.floor(Date.now() / 1000) + 300,
    fail: (...kinds) => failures.push(...kinds),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function send(res: ServerResponse, status: number, body: unknown, headers = {}) {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'ratelimit-limit': '3000',
      'ratelimit-remaining': '2999',
      'ratelimit-reset': String(fake.rateLimitReset),
      'ratelimit-policy': '3000;w=300',
      ...headers,
    });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  function tooMany(res: ServerResponse, policy: string) {
    send(
      res,
      429,
      { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' },
      { 'ratelimit-remaining': '0', 'ratelimit-policy': policy, 'ratelimit-limit': '30' },
    );
  }

  function issueTokens() {
    serial++;
    const a = `access-${serial}`;
    const r = `refresh-${serial}`;
    access.add(a);
    refresh.add(r);
    return {
      accessJwt: a,
      refreshJwt: r,
      handle: fake.handle,
      did: DID,
      email: 'humas@example.go.id',
      emailConfirmed: true,
      active: true,
    };
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    let body = '';
    for await (const chunk of req) body += chunk;
    return body;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const authorization = req.headers.authorization;
    fake.requests.push({ method: req.method ?? 'GET', url, authorization });
    const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;

    if (url.pathname === '/xrpc/com.atproto.server.createSession') {
      fake.createSessionCalls++;
      if (failures[0] === 'login-rate-limit') {
        failures.shift();
        return tooMany(res, '30;w=300');
      }
      let body: { identifier?: string; password?: string };
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return send(res, 400, { error: 'InvalidRequest', message: 'Invalid JSON body' });
      }
      if (body.identifier !== fake.handle || body.password !== fake.password) {
        return send(res, 401, {
          error: 'AuthenticationRequired',
          message: 'Invalid identifier or password',
        });
      }
      return send(res, 200, issueTokens());
    }

    if (url.pathname === '/xrpc/com.atproto.server.refreshSession') {
      fake.refreshCalls++;
      if (failures[0] === 'expire-refresh') {
        failures.shift();
        refresh.clear();
      }
      if (!bearer || !refresh.has(bearer)) {
        return send(res, 400, { error: 'ExpiredToken', message: 'Token has expired' });
      }
      refresh.delete(bearer); // refresh tokens rotate: each is good once
      return send(res, 200, issueTokens());
    }

    if (url.pathname !== '/xrpc/app.bsky.feed.searchPosts') {
      return send(res, 501, { error: 'MethodNotImplemented', message: 'Method Not Implemented' });
    }
    if (!bearer)
      return send(res, 401, { error: 'AuthMissing', message: 'Authentication Required' });
    if (failures[0] === 'expire-access') {
      failures.shift();
      access.clear();
    }
    if (!access.has(bearer)) {
      return send(res, 400, { error: 'ExpiredToken', message: 'Token has expired' });
    }
    switch (failures.shift()) {
      case 'rate-limit':
        return tooMany(res, '3000;w=300');
      case 'malformed':
        return send(res, 200, '{"posts":[{"uri":"at://did:plc:x/app.bsky.feed.post/3m');
      case 'server-error':
        return send(res, 502, { error: 'UpstreamFailure', message: 'Upstream Failure' });
      case 'bad-query':
        return send(res, 400, {
          error: 'BadQueryString',
          message: 'provided query is invalid: unmatched parenthesis',
        });
      default:
        break;
    }
    const q = url.searchParams.get('q');
    if (!q) {
      return send(res, 400, {
        error: 'InvalidRequest',
        message: 'Params must have the property "q"',
      });
    }
    const limit = Math.min(100, Number(url.searchParams.get('limit') ?? '25') || 25);
    const since = url.searchParams.get('since');
    const matching = fake.posts
      .filter((p) => {
        const sortAt = Math.min(Date.parse(p.record.createdAt), Date.parse(p.indexedAt));
        return since ? sortAt >= Date.parse(since) : true;
      })
      .filter((p) => (fake.matches ? fake.matches(q, p.record.text) : true))
      .sort((a, b) => Date.parse(b.indexedAt) - Date.parse(a.indexedAt));
    const offset = Number(url.searchParams.get('cursor') ?? '0') || 0;
    const page = matching.slice(offset, offset + limit);
    return send(res, 200, {
      posts: page.map((p) => ({ ...p, labels: [] })),
      ...(offset + limit < matching.length ? { cursor: String(offset + limit) } : {}),
      hitsTotal: matching.length,
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** The research fixture's post with a hashtag facet, plus a link and an emoji. */
export function fixtureBskyPost(): FakeBskyPost {
  const text =
    'Banjir lagi di Kemang 🌊 pagi ini, air setinggi lutut. Pemprov mohon cek pompa #banjirjakarta antaranews.com/berita/51...';
  const enc = new TextEncoder();
  const byteAt = (s: string) => enc.encode(text.slice(0, text.indexOf(s))).length;
  const tagStart = byteAt('#banjirjakarta');
  const linkStart = byteAt('antaranews.com');
  return {
    uri: 'at://did:plc:7xq2k4m5n6p7r8s9t0u1v2w3/app.bsky.feed.post/3mgo6coefyc2b',
    cid: 'bafyreih4xq3vamzlbgtd6hfp5yk2jz5wqiyexn2n6wlbmtkbe3n7rrkvua',
    author: {
      did: 'did:plc:7xq2k4m5n6p7r8s9t0u1v2w3',
      handle: 'budi.bsky.social',
      displayName: 'Budi Santoso',
    },
    record: {
      $type: 'app.bsky.feed.post',
      text,
      createdAt: '2026-03-10T01:02:03.456Z',
      langs: ['id'],
      facets: [
        {
          index: { byteStart: tagStart, byteEnd: tagStart + enc.encode('#banjirjakarta').length },
          features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'banjirjakarta' }],
        },
        {
          index: {
            byteStart: linkStart,
            byteEnd: linkStart + enc.encode('antaranews.com/berita/51...').length,
          },
          features: [
            {
              $type: 'app.bsky.richtext.facet#link',
              uri: 'https://www.antaranews.com/berita/5123456',
            },
          ],
        },
      ],
      reply: {
        root: {
          uri: 'at://did:plc:4abcd5efgh6ijkl7mnop8qrs/app.bsky.feed.post/3mgo53a7qic25',
          cid: 'bafyreibroot',
        },
        parent: {
          uri: 'at://did:plc:4abcd5efgh6ijkl7mnop8qrs/app.bsky.feed.post/3mgo53a7qic25',
          cid: 'bafyreibroot',
        },
      },
    },
    replyCount: 2,
    repostCount: 5,
    likeCount: 17,
    quoteCount: 1,
    indexedAt: '2026-03-10T01:02:04.789Z',
  };
}

const TEXTS = [
  'Harga beras naik lagi 😤 #hargaberas',
  'Alhamdulillah antrean BBM di SPBU dekat rumah sudah normal 🙏',
  'Banjir di Kemang belum surut, pompa mana? #banjirjakarta',
];

/** `n` posts one minute apart ending at `endIso`. */
export function makeBskyPosts(n: number, endIso: string): FakeBskyPost[] {
  const end = Date.parse(endIso);
  const out: FakeBskyPost[] = [];
  for (let i = 0; i < n; i++) {
    const at = new Date(end - i * 60_000).toISOString();
    const did = `did:plc:warga${String(i % 9).padStart(19, '0')}`;
    out.push({
      uri: `at://${did}/app.bsky.feed.post/3mg${String(i).padStart(10, '0')}`,
      cid: `bafy${i}`,
      author: { did, handle: `warga${i % 9}.bsky.social`, displayName: `Warga ${i % 9}` },
      record: {
        $type: 'app.bsky.feed.post',
        text: TEXTS[i % TEXTS.length] as string,
        createdAt: at,
        langs: ['id'],
      },
      replyCount: i % 3,
      repostCount: i % 4,
      likeCount: i % 11,
      quoteCount: 0,
      indexedAt: at,
    });
  }
  return out;
}
