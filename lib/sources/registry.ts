/**
 * Builds the SourceAdapter for a SourceName, once per process (Lambda cold start, the local
 * runtime, the CLI). Every adapter shares one HttpClient (timeouts, retries, User-Agent).
 *
 * Social sources take their credentials from a CredentialStore (env/.env locally, SSM or Secrets
 * Manager in AWS: lib/sources/credentials.ts); a missing credential surfaces when the adapter
 * runs, as SourceAuthError, and is recorded in the source status like any other failure.
 */
import { ConfigError } from '../domain/errors.ts';
import type { SourceAdapter } from '../domain/ports.ts';
import { SOURCE_NAMES, type SourceName } from '../domain/types.ts';
import type { Log } from '../runtime/log.ts';
import { createBlueskyAdapter, createMemorySessionStore, type SessionStore } from './bluesky.ts';
import type { CredentialStore } from './credentials.ts';
import { createDemoSource, type DemoSourceOptions } from './demo.ts';
import { type FeedInfo, INDONESIAN_FEEDS } from './feeds.ts';
import { createGoogleNewsSource } from './google-news.ts';
import { createHttpClient, type HttpClient } from './http.ts';
import { createMastodonAdapter } from './mastodon.ts';
import { createRssSource } from './rss.ts';
import { createXAdapter } from './x.ts';
import { createYouTubeAdapter } from './youtube.ts';

export interface SourceRegistryOptions {
  /** Shared client; default createHttpClient() with Pantau's User-Agent. */
  http?: HttpClient;
  /** Needed by x, youtube, bluesky and mastodon. */
  credentials?: CredentialStore;
  /** Base URL per source: a fake server in tests, `--endpoint` on the CLI. */
  endpoints?: Partial<Record<SourceName, string>>;
  /** RSS feeds; default: RSS_FEEDS (comma-separated URLs) from `env`, else lib/sources/feeds.ts. */
  feeds?: ReadonlyArray<FeedInfo | string>;
  demo?: DemoSourceOptions;
  /** Where the Bluesky session lives between runs; default: in memory (CLI, tests). */
  blueskySessions?: SessionStore;
  env?: Record<string, string | undefined>;
  log?: Log;
}

type Factory = (o: SourceRegistryOptions & { http: HttpClient }) => SourceAdapter;

function needCredentials(source: SourceName, o: SourceRegistryOptions): CredentialStore {
  if (!o.credentials) throw new ConfigError(`Source '${source}' needs a credential store`);
  return o.credentials;
}

function feedsFrom(o: SourceRegistryOptions): ReadonlyArray<FeedInfo | string> {
  if (o.feeds) return o.feeds;
  const listed = o.env?.RSS_FEEDS?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return listed && listed.length > 0 ? listed : INDONESIAN_FEEDS;
}

const FACTORIES: Record<SourceName, Factory | undefined> = {
  rss: (o) => createRssSource({ http: o.http, feeds: feedsFrom(o) }),
  'google-news': (o) =>
    createGoogleNewsSource({
      http: o.http,
      baseUrl: o.endpoints?.['google-news'] ?? o.env?.GOOGLE_NEWS_BASE_URL,
    }),
  demo: (o) => createDemoSource(o.demo),
  // Social sources (lib/sources/{x,youtube,mastodon,bluesky}.ts, owned by their author).
  x: (o) =>
    createXAdapter({
      http: o.http,
      credentials: needCredentials('x', o),
      endpoint: o.endpoints?.x,
      log: o.log,
    }),
  youtube: (o) =>
    createYouTubeAdapter({
      http: o.http,
      credentials: needCredentials('youtube', o),
      endpoint: o.endpoints?.youtube,
      log: o.log,
    }),
  mastodon: (o) =>
    createMastodonAdapter({
      http: o.http,
      credentials: needCredentials('mastodon', o),
      instances: o.endpoints?.mastodon ? [o.endpoints.mastodon] : undefined,
      log: o.log,
    }),
  bluesky: (o) =>
    createBlueskyAdapter({
      http: o.http,
      credentials: needCredentials('bluesky', o),
      // A stored session avoids a createSession per run (Bluesky rate-limits logins hard).
      sessions: o.blueskySessions ?? createMemorySessionStore(),
      endpoint: o.endpoints?.bluesky,
      log: o.log,
    }),
};

/** Sources this build can collect from. */
function availableSources(): SourceName[] {
  return SOURCE_NAMES.filter((s) => FACTORIES[s] !== undefined);
}

/** Throws ConfigError for a source with no adapter in this build or without its credentials store. */
function createSourceAdapter(source: SourceName, opts: SourceRegistryOptions = {}): SourceAdapter {
  const factory = FACTORIES[source];
  if (!factory) {
    throw new ConfigError(
      `Source '${source}' has no adapter in this build (available: ${availableSources().join(', ')})`,
    );
  }
  return factory({ ...opts, http: opts.http ?? createHttpClient() });
}

/** Adapters for several sources sharing one HttpClient. */
function createSourceAdapters(
  sources: readonly SourceName[],
  opts: SourceRegistryOptions = {},
): Partial<Record<SourceName, SourceAdapter>> {
  const shared = { ...opts, http: opts.http ?? createHttpClient() };
  const out: Partial<Record<SourceName, SourceAdapter>> = {};
  for (const s of sources) out[s] = createSourceAdapter(s, shared);
  return out;
}

export { availableSources, createSourceAdapter, createSourceAdapters };
