/**
 * RSS 2.0, RSS 1.0 (RDF) and Atom collector. One scope per feed, matched against every active
 * issue that reads RSS. Polite by construction: conditional GET (ETag / Last-Modified, a 304 costs
 * the portal nothing), the shared client's descriptive User-Agent, and only the feed itself is read.
 *
 * Dedup: an item's identity is its guid (Atom id), else its canonical link, else title + date; the
 * post's sourceId is a hash of that identity. The cursor keeps the identities already stored, so a
 * feed that ignores conditional GET, or re-dates an old item, writes nothing twice.
 */
import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SourceError, SourceRateLimitedError } from '../domain/errors.ts';
import type { CollectContext, CollectScope, FetchResult, SourceAdapter } from '../domain/ports.ts';
import type { Issue, Post, SourceName } from '../domain/types.ts';
import { normalizeLang } from '../query/index.ts';
import { type FeedInfo, INDONESIAN_FEEDS } from './feeds.ts';
import type { HttpClient } from './http.ts';
import { absoluteUrl, canonicalUrl, parseDate, stripHtml, truncate } from './normalize.ts';

export interface FeedItem {
  /** guid / Atom id / canonical link / title+date: what makes the item unique in its feed. */
  identity: string;
  title: string;
  link?: string;
  /** Plain text of the description (or content:encoded / Atom content when richer). */
  text: string;
  author?: string;
  /** ISO UTC, or undefined when the feed gives no usable date. */
  publishedAt?: string;
  /** `<source url="…">name</source>` (Google News). */
  sourceName?: string;
  sourceUrl?: string;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf';
  title: string;
  link?: string;
  lang?: string;
  items: FeedItem[];
}

/** A rate limit on one portal's feed: it fails that feed only, not the whole RSS source. */
export class FeedRateLimitedError extends SourceError {
  readonly retryAt: Date;
  constructor(source: string, feedUrl: string, retryAt: Date, options?: ErrorOptions) {
    super(
      source,
      'rate_limited',
      `${feedUrl} rate-limited until ${retryAt.toISOString()}`,
      options,
    );
    this.retryAt = retryAt;
  }
}

const MAX_TEXT = 4_000;
const MAX_TITLE = 500;
const SEEN_LIMIT = 1_000;
const ACCEPT =
  'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5';
/** A feed date further ahead than this is a wrong timezone, not a scheduled post. */
const FUTURE_TOLERANCE_MS = 10 * 60_000;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // XML entities are decoded here (decodeXml) and HTML ones by stripHtml, so each layer of
  // escaping is undone exactly once; CDATA is kept apart because it is not XML-escaped.
  processEntities: false,
  cdataPropName: '__cdata',
  isArray: (name) => ['item', 'entry', 'link', 'category', 'author'].includes(name),
});

type XmlValue = string | number | boolean | XmlObject | XmlValue[] | undefined | null;
interface XmlObject {
  [key: string]: XmlValue;
}

function first(v: XmlValue): XmlValue {
  return Array.isArray(v) ? v[0] : v;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The XML layer only: the five predefined entities and character references. */
function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos);/g, (m, body: string) => {
    if (body[0] !== '#') return XML_ENTITIES[body] ?? m;
    const n = body[1] === 'x' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
    return n > 0 && n <= 0x10ffff && (n < 0xd800 || n > 0xdfff)
      ? String.fromCodePoint(n)
      : '\ufffd';
  });
}

/** Text content of an element: XML-decoded text plus raw CDATA, in document order per kind. */
function textOf(v: XmlValue): string | undefined {
  const f = first(v);
  if (f === undefined || f === null) return undefined;
  if (typeof f === 'string') return decodeXml(f);
  if (typeof f === 'number' || typeof f === 'boolean') return String(f);
  if (Array.isArray(f)) return undefined;
  const cdata = f.__cdata;
  const cdataText = Array.isArray(cdata)
    ? cdata.filter((c) => typeof c === 'string').join('')
    : typeof cdata === 'string'
      ? cdata
      : undefined;
  const t = f['#text'];
  const plain = t === undefined ? undefined : textOf(t);
  if (cdataText === undefined) return plain;
  return plain ? `${plain} ${cdataText}` : cdataText;
}

function attr(v: XmlValue, name: string): string | undefined {
  const f = first(v);
  if (!f || typeof f !== 'object' || Array.isArray(f)) return undefined;
  const a = f[`@_${name}`];
  return typeof a === 'string' ? a : undefined;
}

function obj(v: XmlValue): XmlObject | undefined {
  const f = first(v);
  return f && typeof f === 'object' && !Array.isArray(f) ? f : undefined;
}

function list(v: XmlValue): XmlObject[] {
  const arr = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return arr.filter((x): x is XmlObject => !!x && typeof x === 'object' && !Array.isArray(x));
}

function clean(html: string | undefined, max: number): string {
  return html ? truncate(stripHtml(html), max) : '';
}

function identityOf(
  guid: string | undefined,
  link: string | undefined,
  title: string,
  date?: string,
) {
  const g = guid?.trim();
  if (g) return `guid:${g}`;
  const c = canonicalUrl(link);
  if (c) return `link:${c}`;
  return `title:${title}|${date ?? ''}`;
}

function rssItem(item: XmlObject, base: string | undefined): FeedItem {
  const title = clean(textOf(item.title), MAX_TITLE);
  const link = absoluteUrl(textOf(item.link), base) ?? absoluteUrl(attr(item.link, 'href'), base);
  const guidRaw = textOf(item.guid);
  // A permalink guid is a URL: treat http/https variants of it as one item.
  const guid =
    guidRaw && attr(item.guid, 'isPermaLink') !== 'false'
      ? (canonicalUrl(guidRaw) ?? guidRaw)
      : guidRaw;
  const rawDate =
    textOf(item.pubDate) ?? textOf(item.date) ?? textOf(item.updated) ?? textOf(item.published);
  const description = textOf(item.description);
  const encoded = textOf(item.encoded);
  const text = clean(
    encoded && encoded.length > (description?.length ?? 0) ? encoded : description,
    MAX_TEXT,
  );
  const author = clean(textOf(item.creator) ?? textOf(item.author), 200) || undefined;
  return {
    identity: identityOf(guid, link, title, rawDate),
    title,
    link,
    text,
    author,
    publishedAt: parseDate(rawDate),
    sourceName: clean(textOf(item.source), 200) || undefined,
    sourceUrl: absoluteUrl(attr(item.source, 'url')),
  };
}

function atomLink(entry: XmlObject, base: string | undefined): string | undefined {
  const links = list(entry.link);
  const alt = links.find((l) => !l['@_rel'] || l['@_rel'] === 'alternate') ?? links[0];
  const href = alt ? attr(alt, 'href') : textOf(entry.link);
  return absoluteUrl(href, base);
}

function atomEntry(entry: XmlObject, base: string | undefined): FeedItem {
  const title = clean(textOf(entry.title), MAX_TITLE);
  const link = atomLink(entry, base);
  const rawDate = textOf(entry.published) ?? textOf(entry.updated) ?? textOf(entry.issued);
  const summary = textOf(entry.summary);
  const content = textOf(entry.content);
  const author = clean(textOf(obj(entry.author)?.name) ?? textOf(entry.author), 200) || undefined;
  return {
    identity: identityOf(textOf(entry.id), link, title, rawDate),
    title,
    link,
    text: clean(content && content.length > (summary?.length ?? 0) ? content : summary, MAX_TEXT),
    author,
    publishedAt: parseDate(rawDate),
  };
}

/**
 * Parses a feed body. Bare `&` (the most common publisher mistake) is escaped first; anything
 * else that is not well-formed XML, or well-formed XML that is not a feed (a CDN's HTML error
 * page), is a SourceError with the parser's line and column.
 */
function parseFeed(xml: string, feedUrl: string, source: SourceName = 'rss'): ParsedFeed {
  const body = xml
    .replace(/^\uFEFF/, '')
    .replace(/&(?!(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});)/g, '&amp;');
  if (body.trim() === '') {
    throw new SourceError(source, 'malformed_feed', `${feedUrl}: empty body, not a feed`);
  }
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    const e = valid.err;
    throw new SourceError(
      source,
      'malformed_feed',
      `${feedUrl}: malformed XML at line ${e.line}, column ${e.col}: ${e.msg}`,
    );
  }
  let doc: XmlObject;
  try {
    doc = parser.parse(body) as XmlObject;
  } catch (error) {
    throw new SourceError(source, 'malformed_feed', `${feedUrl}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const rss = obj(doc.rss);
  if (rss) {
    const channel = obj(rss.channel) ?? {};
    const base = absoluteUrl(textOf(channel.link)) ?? feedUrl;
    return {
      format: 'rss',
      title: clean(textOf(channel.title), MAX_TITLE),
      link: absoluteUrl(textOf(channel.link)),
      lang: textOf(channel.language),
      items: list(channel.item).map((i) => rssItem(i, base)),
    };
  }
  const feed = obj(doc.feed);
  if (feed) {
    const base = atomLink(feed, feedUrl) ?? feedUrl;
    return {
      format: 'atom',
      title: clean(textOf(feed.title), MAX_TITLE),
      link: atomLink(feed, feedUrl),
      lang: attr(doc.feed, 'lang'),
      items: list(feed.entry).map((e) => atomEntry(e, base)),
    };
  }
  const rdf = obj(doc.RDF);
  if (rdf) {
    const channel = obj(rdf.channel) ?? {};
    return {
      format: 'rdf',
      title: clean(textOf(channel.title), MAX_TITLE),
      link: absoluteUrl(textOf(channel.link)),
      lang: textOf(channel.language),
      items: list(rdf.item).map((i) => rssItem(i, feedUrl)),
    };
  }
  const root = Object.keys(doc).find((k) => !k.startsWith('?')) ?? 'nothing';
  throw new SourceError(source, 'not_a_feed', `${feedUrl}: <${root}> is not an RSS or Atom feed`);
}

function sourceIdOf(identity: string): string {
  return createHash('sha256').update(identity, 'utf8').digest('base64url').slice(0, 24);
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return undefined;
  }
}

/** Maps feed items to posts; `now` stands in for a missing or future date. */
function itemsToPosts(
  feed: ParsedFeed,
  opts: { source: SourceName; feedUrl: string; fallbackLang?: string; now: Date },
): Post[] {
  const lang = normalizeLang(feed.lang ?? opts.fallbackLang ?? 'und');
  const nowMs = opts.now.getTime();
  const feedHost = hostOf(feed.link) ?? hostOf(opts.feedUrl);
  return feed.items.map((item) => {
    let createdAt = item.publishedAt ?? opts.now.toISOString();
    if (Date.parse(createdAt) > nowMs + FUTURE_TOLERANCE_MS) createdAt = opts.now.toISOString();
    const url = item.link ?? opts.feedUrl;
    return {
      source: opts.source,
      sourceId: sourceIdOf(item.identity),
      url,
      author: {
        handle: hostOf(item.sourceUrl) ?? hostOf(item.link) ?? feedHost,
        name: item.author ?? item.sourceName ?? (feed.title || feedHost),
      },
      title: item.title || undefined,
      text: item.text || item.title,
      createdAt,
      lang,
      engagement: {},
    };
  });
}

export interface FeedCursor {
  etag?: string;
  lastModified?: string;
  /** sourceIds already stored, newest first. */
  seen: string[];
  checkedAt: string;
}

function readCursor(c: Record<string, unknown> | undefined): Partial<FeedCursor> {
  if (!c) return {};
  return {
    etag: typeof c.etag === 'string' ? c.etag : undefined,
    lastModified: typeof c.lastModified === 'string' ? c.lastModified : undefined,
    seen: Array.isArray(c.seen) ? c.seen.filter((s): s is string => typeof s === 'string') : [],
  };
}

/**
 * One conditional GET of a feed and the posts not stored before. Shared by the RSS and Google
 * News collectors. `undefined` cursor in the result (a 304) keeps the stored one.
 */
async function fetchFeedPosts(
  http: HttpClient,
  req: { source: SourceName; url: string; fallbackLang?: string; maxItems: number },
  cursor: Record<string, unknown> | undefined,
  ctx: CollectContext,
): Promise<FetchResult & { feed?: ParsedFeed; notModified: boolean }> {
  const prev = readCursor(cursor);
  const headers: Record<string, string> = { accept: ACCEPT };
  if (prev.etag) headers['if-none-match'] = prev.etag;
  if (prev.lastModified) headers['if-modified-since'] = prev.lastModified;
  let res: Awaited<ReturnType<HttpClient['request']>>;
  try {
    res = await http.request({
      url: req.url,
      headers,
      source: req.source,
      signal: ctx.signal,
      deadline: ctx.deadline,
    });
  } catch (error) {
    // Portals are independent hosts: one portal's limit must not stop the others.
    if (req.source === 'rss' && error instanceof SourceRateLimitedError) {
      throw new FeedRateLimitedError(req.source, req.url, error.retryAt, { cause: error });
    }
    throw error;
  }
  if (res.status === 304) return { posts: [], requests: 1, notModified: true };
  if (res.status < 200 || res.status >= 300) {
    throw new SourceError(
      req.source,
      'http_status',
      `${req.url} answered HTTP ${res.status}${res.status === 403 ? ' (blocked by the portal or its CDN)' : ''}`,
    );
  }
  const feed = parseFeed(res.text, req.url, req.source);
  const posts = itemsToPosts(feed, {
    source: req.source,
    feedUrl: req.url,
    fallbackLang: req.fallbackLang,
    now: ctx.now,
  });
  const seen = new Set(prev.seen ?? []);
  const fresh: Post[] = [];
  for (const p of posts) {
    // Also drops a guid repeated inside the same feed.
    if (seen.has(p.sourceId)) continue;
    seen.add(p.sourceId);
    fresh.push(p);
    if (fresh.length >= req.maxItems) break;
  }
  const newIds = fresh.map((p) => p.sourceId).reverse();
  const next: FeedCursor = {
    seen: [...newIds, ...(prev.seen ?? [])].slice(0, SEEN_LIMIT),
    checkedAt: ctx.now.toISOString(),
  };
  const etag = res.headers.get('etag');
  const lastModified = res.headers.get('last-modified');
  if (etag) next.etag = etag;
  if (lastModified) next.lastModified = lastModified;
  return { posts: fresh, cursor: { ...next }, requests: 1, feed, notModified: false };
}

export interface RssSourceOptions {
  http: HttpClient;
  /** Feeds to read; default: the maintained Indonesian list (lib/sources/feeds.ts). */
  feeds?: ReadonlyArray<FeedInfo | string>;
  /** Largest number of new items taken from one feed per run. Default 200. */
  maxItemsPerFeed?: number;
}

function createRssSource(opts: RssSourceOptions): SourceAdapter {
  const feeds: FeedInfo[] = (opts.feeds ?? INDONESIAN_FEEDS).map((f) =>
    typeof f === 'string' ? { url: f, portal: hostOf(f) ?? f, lang: 'und', verified: false } : f,
  );
  const byUrl = new Map(feeds.map((f) => [f.url, f]));
  const maxItems = opts.maxItemsPerFeed ?? 200;
  return {
    name: 'rss',
    scopes(issues: Issue[]): CollectScope[] {
      const relevant = issues.filter((i) => i.sources.includes('rss'));
      if (relevant.length === 0) return [];
      return feeds.map((f) => ({ scope: f.url, issues: relevant }));
    },
    fetch(scope, cursor, ctx) {
      const info = byUrl.get(scope.scope);
      return fetchFeedPosts(
        opts.http,
        { source: 'rss', url: scope.scope, fallbackLang: info?.lang, maxItems },
        cursor,
        ctx,
      ).then(({ posts, cursor: next, requests }) => ({ posts, cursor: next, requests }));
    },
  };
}

export { createRssSource, fetchFeedPosts, itemsToPosts, parseFeed, sourceIdOf };
