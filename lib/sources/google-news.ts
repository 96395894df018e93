/**
 * Google News RSS search, one scope per issue: the issue's query compiled to Google's syntax
 * (lib/query/compile.ts), in Indonesian edition (`hl=id&gl=ID&ceid=ID:id`). Unofficial and without
 * an SLA (research/source-apis.md §6): it may answer 429/503 or a consent page to datacenter IPs,
 * which are recorded as the source's status like any other failure.
 *
 * Items link to an opaque news.google.com redirect; the publisher comes from `<source url>`,
 * and the title's " - Publisher" suffix is removed.
 */
import type { CollectScope, SourceAdapter } from '../domain/ports.ts';
import type { Issue, Post } from '../domain/types.ts';
import { compileForSource, parseQuery } from '../query/index.ts';
import type { HttpClient } from './http.ts';
import { fetchFeedPosts } from './rss.ts';

const DEFAULT_BASE_URL = 'https://news.google.com';
const DAY_MS = 86_400_000;

export interface GoogleNewsOptions {
  http: HttpClient;
  /** Base URL (a fake server in tests, `--endpoint` on the CLI). Default https://news.google.com. */
  baseUrl?: string;
  /** Largest number of new items per issue per run. Default 100 (what Google returns). */
  maxItems?: number;
}

/** The search URL of a Google-syntax query. `sinceMs` narrows it with `when:Nd`. */
function googleNewsUrl(baseUrl: string, q: string, issue: Pick<Issue, 'languages'>, days: number) {
  // English-only issues read the English edition for Indonesia; everything else the Indonesian one.
  const english = issue.languages.length > 0 && issue.languages.every((l) => l === 'en');
  const params = new URLSearchParams({
    q: `${q} when:${days}d`,
    hl: english ? 'en-ID' : 'id',
    gl: 'ID',
    ceid: english ? 'ID:en' : 'ID:id',
  });
  return `${baseUrl.replace(/\/+$/, '')}/rss/search?${params.toString()}`;
}

function stripPublisherSuffix(post: Post): Post {
  const publisher = post.author.name;
  if (!post.title || !publisher) return post;
  const suffix = ` - ${publisher}`;
  const title = post.title.endsWith(suffix) ? post.title.slice(0, -suffix.length) : post.title;
  // Google's description is the title and publisher again; the title alone is the text.
  let text = post.text;
  if (text.startsWith(title) || text === post.title) text = title;
  return { ...post, title, text };
}

function createGoogleNewsSource(opts: GoogleNewsOptions): SourceAdapter {
  const baseUrl = opts.baseUrl ?? DEFAULT_BASE_URL;
  const maxItems = opts.maxItems ?? 100;
  return {
    name: 'google-news',
    scopes(issues: Issue[]): CollectScope[] {
      return issues
        .filter((i) => i.sources.includes('google-news'))
        .map((issue) => ({ scope: `issue:${issue.tenantId}:${issue.id}`, issues: [issue] }));
    },
    async fetch(scope, cursor, ctx) {
      const issue = scope.issues[0];
      if (!issue) return { posts: [], requests: 0 };
      const q = compileForSource(parseQuery(issue.query), 'google-news');
      if (!q) return { posts: [], requests: 0 };
      // Look back to the last successful check (plus a day of margin), at most a month.
      const checked = typeof cursor?.checkedAt === 'string' ? Date.parse(cursor.checkedAt) : NaN;
      const days = Number.isFinite(checked)
        ? Math.min(30, Math.max(1, Math.ceil((ctx.now.getTime() - checked) / DAY_MS) + 1))
        : 7;
      const url = googleNewsUrl(baseUrl, q, issue, days);
      const res = await fetchFeedPosts(
        opts.http,
        { source: 'google-news', url, fallbackLang: issue.languages[0], maxItems },
        cursor,
        ctx,
      );
      return {
        posts: res.posts.map(stripPublisherSuffix),
        // The URL changes with `when:`, so ETags do not carry over: keep only the seen list.
        cursor: res.cursor ? { seen: res.cursor.seen, checkedAt: res.cursor.checkedAt } : undefined,
        requests: res.requests,
      };
    },
  };
}

export { createGoogleNewsSource, googleNewsUrl };
