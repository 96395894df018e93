/**
 * A fake Mastodon instance on 127.0.0.1 (research §4): `/api/v1/timelines/tag/:tag` with `any[]`,
 * `min_id` / `max_id` / `since_id`, `limit`, a `Link` header, 404 for unknown tags, 401 when the
 * public preview is off, and 429 with an ISO-8601 `X-RateLimit-Reset`. Failure modes are queued
 * per request with `fail()`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeToot {
  id: string;
  created_at: string;
  content: string;
  language: string | null;
  tags: string[];
  account: {
    id: string;
    username: string;
    acct: string;
    display_name: string;
    followers_count: number;
  };
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  quotes_count?: number;
  in_reply_to_id?: string | null;
  spoiler_text?: string;
  /** For remote statuses: their home instance's URI/URL. */
  uri?: string;
  url?: string;
}

export type MastodonFailure = 'rate-limit' | 'unauthorized' | 'malformed' | 'server-error';

export interface MastodonFake {
  url: string;
  host: string;
  toots: FakeToot[];
  requests: URL[];
  /** Requests must carry this bearer token when set (public preview off). */
  requireToken?: string;
  rateLimitReset: string;
  fail(...kinds: MastodonFailure[]): void;
  close(): Promise<void>;
}

function cmp(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export async function startMastodonFake(): Promise<MastodonFake> {
  const failures: MastodonFailure[] = [];
  const fake: MastodonFake = {
    url: '',
    host: '',
    toots: [],
    requests: [],
    rateLimitReset: new Date(Date.now() + 120_000).toISOString(),
    fail: (...kinds) => failures.push(...kinds),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function send(res: ServerResponse, status: number, body: unknown, headers = {}) {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': '300',
      'x-ratelimit-remaining': '299',
      'x-ratelimit-reset': fake.rateLimitReset,
      ...headers,
    });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  function toStatus(t: FakeToot) {
    const local = `${fake.url}/@${t.account.username}/${t.id}`;
    return {
      id: t.id,
      created_at: t.created_at,
      in_reply_to_id: t.in_reply_to_id ?? null,
      in_reply_to_account_id: null,
      sensitive: false,
      spoiler_text: t.spoiler_text ?? '',
      visibility: 'public',
      language: t.language,
      uri: t.uri ?? `${fake.url}/users/${t.account.username}/statuses/${t.id}`,
      url: t.url ?? local,
      replies_count: t.replies_count,
      reblogs_count: t.reblogs_count,
      favourites_count: t.favourites_count,
      quotes_count: t.quotes_count ?? 0,
      edited_at: null,
      content: t.content,
      reblog: null,
      quote: null,
      poll: null,
      card: null,
      account: { ...t.account, bot: false, url: `${fake.url}/@${t.account.acct}` },
      media_attachments: [],
      mentions: [],
      tags: t.tags.map((name) => ({ name, url: `${fake.url}/tags/${name}` })),
    };
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', fake.url);
    fake.requests.push(url);
    const m = /^\/api\/v1\/timelines\/tag\/([^/]+)$/.exec(url.pathname);
    if (!m?.[1]) return send(res, 404, { error: 'Record not found' });
    if (fake.requireToken && req.headers.authorization !== `Bearer ${fake.requireToken}`) {
      return send(res, 401, { error: 'The access token is invalid' });
    }
    switch (failures.shift()) {
      case 'rate-limit':
        return send(res, 429, { error: 'Too many requests' }, { 'x-ratelimit-remaining': '0' });
      case 'unauthorized':
        return send(res, 401, { error: 'The access token is invalid' });
      case 'malformed':
        return send(res, 200, '[{"id":"1161","content":"<p>Banjir');
      case 'server-error':
        return send(res, 502, '<html><body>502 Bad Gateway</body></html>', {
          'content-type': 'text/html',
        });
      default:
        break;
    }
    const tags = [decodeURIComponent(m[1]), ...url.searchParams.getAll('any[]')].map((t) =>
      t.toLowerCase(),
    );
    const known = fake.toots.some((t) => t.tags.some((x) => tags.includes(x)));
    if (!known) return send(res, 404, { error: 'Record not found' });
    const limit = Math.min(40, Number(url.searchParams.get('limit') ?? '20') || 20);
    const minId = url.searchParams.get('min_id');
    const maxId = url.searchParams.get('max_id');
    const sinceId = url.searchParams.get('since_id');
    let rows = fake.toots
      .filter((t) => t.tags.some((x) => tags.includes(x)))
      .sort((a, b) => cmp(b.id, a.id));
    if (maxId) rows = rows.filter((t) => cmp(t.id, maxId) < 0);
    if (sinceId) rows = rows.filter((t) => cmp(t.id, sinceId) > 0);
    let page: FakeToot[];
    if (minId) {
      // min_id: the statuses immediately newer than min_id, still newest first.
      const newer = rows.filter((t) => cmp(t.id, minId) > 0);
      page = newer.slice(Math.max(0, newer.length - limit));
    } else {
      page = rows.slice(0, limit);
    }
    const headers: Record<string, string> = {};
    if (page.length > 0) {
      const base = `${fake.url}${url.pathname}`;
      const extra = url.searchParams
        .getAll('any[]')
        .map((t) => `&any[]=${encodeURIComponent(t)}`)
        .join('');
      headers.link = `<${base}?max_id=${page[page.length - 1]?.id}${extra}>; rel="next", <${base}?min_id=${page[0]?.id}${extra}>; rel="prev"`;
    }
    return send(res, 200, page.map(toStatus), headers);
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  fake.url = `http://127.0.0.1:${port}`;
  fake.host = `127.0.0.1:${port}`;
  return fake;
}

/** The research fixture's toot. */
export function fixtureToot(): FakeToot {
  return {
    id: '116202528270717074',
    created_at: '2026-03-10T02:31:07.412Z',
    content:
      '<p>Jalan Daan Mogot tergenang 30 cm 🌊 &amp; macet. <a href="https://mastodon.social/tags/banjir" class="mention hashtag" rel="tag">#<span>banjir</span></a></p><p>Info: <a href="https://www.antaranews.com/berita/5123456" rel="nofollow noopener" target="_blank"><span class="invisible">https://www.</span><span class="ellipsis">antaranews.com/berita/512</span><span class="invisible">3456</span></a></p>',
    language: 'id',
    tags: ['banjir'],
    account: {
      id: '109876543210987654',
      username: 'arif_k',
      acct: 'arif_k',
      display_name: 'Arif K.',
      followers_count: 210,
    },
    replies_count: 1,
    reblogs_count: 3,
    favourites_count: 9,
  };
}

const TEXTS = [
  '<p>Banjir lagi di Kemang, air setinggi lutut. <a href="x" class="mention hashtag">#<span>banjir</span></a></p>',
  '<p>Pompa di Pluit sudah jalan, air mulai surut 🙏 #<span>banjir</span></p>',
  '<p>Harga beras naik, Rp15.000/kg &lt;br&gt; susah</p>',
];

/** `n` toots tagged `tag`, ids increasing with time, ending at `endIso`. */
export function makeToots(n: number, endIso: string, tag = 'banjir'): FakeToot[] {
  const end = Date.parse(endIso);
  const out: FakeToot[] = [];
  for (let i = 0; i < n; i++) {
    const at = end - (n - 1 - i) * 60_000;
    // Mastodon ids are Snowflake-like: milliseconds << 16.
    const id = ((BigInt(at) << 16n) + BigInt(i)).toString();
    out.push({
      id,
      created_at: new Date(at).toISOString(),
      content: TEXTS[i % TEXTS.length] as string,
      language: i % 5 === 0 ? null : 'id',
      tags: [tag],
      account: {
        id: String(1000 + (i % 7)),
        username: `warga${i % 7}`,
        acct: i % 2 ? `warga${i % 7}` : `warga${i % 7}@mastodon.social`,
        display_name: `Warga ${i % 7}`,
        followers_count: 10 * (i % 7),
      },
      replies_count: i % 3,
      reblogs_count: i % 4,
      favourites_count: i % 9,
    });
  }
  return out;
}
