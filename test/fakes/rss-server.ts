/**
 * A fake news-feed server on 127.0.0.1 (node:http) that speaks what portals and Google News
 * really send: RSS 2.0 with CDATA and +0700 dates, Atom, ETag/Last-Modified with 304s, a feed
 * that ignores conditional GET, 429 with Retry-After, truncated XML, windows-1252 and ISO-8859-1
 * bodies, odd dates, HTML (also double-escaped) in descriptions, duplicate guids, and a Google
 * News search endpoint. Every request is recorded for assertions.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface FakeRssServer {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Full URL of a route. */
  url(path: string): string;
  /** Replaces or adds a route's body (e.g. to publish a new item between runs). */
  setFeed(path: string, feed: FeedRoute): void;
  close(): Promise<void>;
}

export interface FeedRoute {
  status?: number;
  body: string | Buffer;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  /** Answer 304 to matching If-None-Match / If-Modified-Since. Default true when etag/lastModified set. */
  conditional?: boolean;
  headers?: Record<string, string>;
}

export interface FakeItem {
  title: string;
  link?: string;
  guid?: string;
  guidIsPermaLink?: boolean;
  pubDate?: string;
  description?: string;
  /** Put the description in CDATA (default true). */
  cdata?: boolean;
  creator?: string;
  source?: { url: string; name: string };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function rssXml(
  items: FakeItem[],
  opts: { title?: string; language?: string; encoding?: string } = {},
): string {
  const decl = `<?xml version="1.0" encoding="${opts.encoding ?? 'UTF-8'}"?>`;
  const body = items
    .map((i) => {
      const parts = [`<title>${esc(i.title)}</title>`];
      if (i.link) parts.push(`<link>${esc(i.link)}</link>`);
      if (i.guid !== undefined) {
        const perma = i.guidIsPermaLink === false ? ' isPermaLink="false"' : '';
        parts.push(`<guid${perma}>${esc(i.guid)}</guid>`);
      }
      if (i.pubDate) parts.push(`<pubDate>${i.pubDate}</pubDate>`);
      if (i.description !== undefined) {
        parts.push(
          i.cdata === false
            ? `<description>${esc(i.description)}</description>`
            : `<description><![CDATA[${i.description}]]></description>`,
        );
      }
      if (i.creator) parts.push(`<dc:creator>${esc(i.creator)}</dc:creator>`);
      if (i.source) parts.push(`<source url="${esc(i.source.url)}">${esc(i.source.name)}</source>`);
      return `<item>${parts.join('')}</item>`;
    })
    .join('\n');
  return `${decl}
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>${esc(opts.title ?? 'Fake Portal - Berita Terkini')}</title><link>https://portal.example.id</link>
<language>${opts.language ?? 'id'}</language>
${body}
</channel></rss>`;
}

export function atomXml(
  entries: {
    id: string;
    title: string;
    link: string;
    updated: string;
    summary: string;
    author?: string;
  }[],
): string {
  const body = entries
    .map(
      (e) =>
        `<entry><id>${esc(e.id)}</id><title type="html">${esc(e.title)}</title><link rel="alternate" href="${esc(e.link)}"/><updated>${e.updated}</updated><summary type="html">${esc(e.summary)}</summary>${e.author ? `<author><name>${esc(e.author)}</name></author>` : ''}</entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="id"><title>Fake Atom Portal</title><link href="https://atom.example.id/"/><id>urn:fake:atom</id><updated>2026-03-10T03:00:00Z</updated>
${body}
</feed>`;
}

function notModified(route: FeedRoute, headers: IncomingHttpHeaders): boolean {
  if (route.conditional === false) return false;
  const inm = headers['if-none-match'];
  if (route.etag && inm) return inm.split(',').some((t) => t.trim() === route.etag);
  const ims = headers['if-modified-since'];
  if (route.lastModified && ims) return Date.parse(ims) >= Date.parse(route.lastModified);
  return false;
}

export async function startFakeRssServer(
  routes: Record<string, FeedRoute> = {},
  googleNews?: (q: URLSearchParams) => FeedRoute,
): Promise<FakeRssServer> {
  const table = new Map(Object.entries(routes));
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: url.pathname, query: url.searchParams, headers: req.headers });
    const route =
      url.pathname === '/rss/search' && googleNews
        ? googleNews(url.searchParams)
        : table.get(url.pathname);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>Not found</body></html>');
      return;
    }
    if (notModified(route, req.headers)) {
      res.writeHead(304, { ...(route.etag ? { etag: route.etag } : {}) });
      res.end();
      return;
    }
    const headers: Record<string, string> = {
      'content-type': route.contentType ?? 'application/rss+xml; charset=utf-8',
      ...(route.etag ? { etag: route.etag } : {}),
      ...(route.lastModified ? { 'last-modified': route.lastModified } : {}),
      ...route.headers,
    };
    res.writeHead(route.status ?? 200, headers);
    res.end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    requests,
    url: (path) => `${baseUrl}${path}`,
    setFeed(path, feed) {
      table.set(path, feed);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

const CP1252: Record<string, number> = {
  '€': 0x80,
  '‚': 0x82,
  '„': 0x84,
  '…': 0x85,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '–': 0x96,
  '—': 0x97,
  '™': 0x99,
};

/** Encodes text as windows-1252, the charset many older portals still serve. */
export function encodeWindows1252(text: string): Buffer {
  const bytes: number[] = [];
  for (const ch of text) {
    const mapped = CP1252[ch];
    const code = ch.codePointAt(0) ?? 0x3f;
    if (mapped !== undefined) bytes.push(mapped);
    else if (code < 0x100) bytes.push(code);
    else throw new Error(`'${ch}' has no windows-1252 byte`);
  }
  return Buffer.from(bytes);
}
