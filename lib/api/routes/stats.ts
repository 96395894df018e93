/**
 * Trend series of an issue from its time buckets, with zero-filled gaps so charts need no
 * post-processing, and an optional breakdown (share of voice by source, top authors, top
 * hashtags) computed from a bounded sample of the range's newest mentions.
 */
import { emptyCounts } from '../../domain/counts.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { BucketCounts, BucketWidth, Mention } from '../../domain/types.ts';
import { defineRoute, type ResolvedDeps, requireFromBeforeTo, requireIssue } from '../route.ts';
import * as s from '../schemas.ts';

const WIDTH_MS: Record<BucketWidth, number> = { '5m': 300_000, '1h': 3_600_000, '1d': 86_400_000 };
/** Default look-back and the widest range per interval: both keep a series under ~2,200 points. */
const DEFAULT_SPAN_MS: Record<BucketWidth, number> = {
  '5m': 86_400_000,
  '1h': 7 * 86_400_000,
  '1d': 30 * 86_400_000,
};
const MAX_POINTS = 2_200;
const BREAKDOWN_SAMPLE = 2_000;
const TOP_N = 10;

/** A bucket only holds the counters that were ever added to; a missing one is zero. */
function addCounts(into: BucketCounts, c: Partial<BucketCounts>): void {
  into.total += c.total ?? 0;
  into.positive += c.positive ?? 0;
  into.negative += c.negative ?? 0;
  into.neutral += c.neutral ?? 0;
  into.mixed += c.mixed ?? 0;
  into.engagement += c.engagement ?? 0;
}

async function breakdown(deps: ResolvedDeps, issueId: string, from: string, to: string) {
  const sample: Mention[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.repos.mentions.query(issueId, {
      from,
      to,
      limit: Math.min(1_000, BREAKDOWN_SAMPLE - sample.length),
      cursor,
      order: 'desc',
    });
    sample.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && sample.length < BREAKDOWN_SAMPLE);
  const bySource = new Map<string, number>();
  const authors = new Map<string, number>();
  const hashtags = new Map<string, number>();
  for (const m of sample) {
    bySource.set(m.source, (bySource.get(m.source) ?? 0) + 1);
    const author = m.author?.handle ?? m.author?.name;
    if (author) authors.set(author, (authors.get(author) ?? 0) + 1);
    const tags = new Set(
      (`${m.title ?? ''} ${m.text}`.match(/#[\p{L}\p{N}_]{2,100}/gu) ?? []).map((t) =>
        t.toLowerCase(),
      ),
    );
    for (const t of tags) hashtags.set(t, (hashtags.get(t) ?? 0) + 1);
  }
  const top = (m: Map<string, number>) =>
    [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TOP_N);
  const n = sample.length;
  return {
    sampled: n,
    complete: cursor === undefined,
    bySource: [...bySource.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([source, count]) => ({ source, count, share: n ? count / n : 0 })),
    topAuthors: top(authors).map(([author, count]) => ({ author, count })),
    topHashtags: top(hashtags).map(([hashtag, count]) => ({ hashtag, count })),
  };
}

const issueStats = defineRoute({
  method: 'GET',
  path: '/v1/issues/{issueId}/stats',
  scope: 'pantau/read',
  summary:
    'Counts per window (total, by sentiment, engagement) in [from, to); defaults: interval=1h, ' +
    'the last day (5m), week (1h) or 30 days (1d). breakdown=true adds share of voice by ' +
    'source, top authors and top hashtags of the newest 2,000 mentions of the range.',
  tag: 'Stats',
  params: s.issuePath,
  query: s.statsQuery,
  responses: [{ status: 200, description: 'The series and totals', schema: s.stats }],
  async handle(ctx) {
    const issue = await requireIssue(ctx, ctx.params.issueId);
    const width = ctx.query.interval;
    const step = WIDTH_MS[width];
    const toMs = Date.parse(ctx.query.to ?? ctx.now.toISOString());
    const fromRaw = ctx.query.from ? Date.parse(ctx.query.from) : toMs - DEFAULT_SPAN_MS[width];
    // Windows are aligned to the epoch in UTC, like the buckets the score step writes.
    const fromMs = Math.floor(fromRaw / step) * step;
    requireFromBeforeTo(fromMs, toMs);
    const points = Math.ceil((toMs - fromMs) / step);
    if (points > MAX_POINTS) {
      throw new ValidationError(
        `Invalid query.from: ${points} windows of ${width} requested, at most ${MAX_POINTS}; use a wider interval or a shorter range`,
        [{ field: 'query.from', message: `range holds more than ${MAX_POINTS} windows` }],
      );
    }
    const from = new Date(fromMs).toISOString();
    const to = new Date(toMs).toISOString();
    const buckets = await ctx.deps.repos.buckets.query(issue.id, width, from, to);
    const byStart = new Map<string, BucketCounts>();
    for (let t = fromMs; t < toMs; t += step) byStart.set(new Date(t).toISOString(), emptyCounts());
    const totals = emptyCounts();
    for (const b of buckets) {
      const slot = byStart.get(b.start) ?? emptyCounts();
      addCounts(slot, b);
      byStart.set(b.start, slot);
      addCounts(totals, b);
    }
    const series = [...byStart.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([start, c]) => ({ start, ...c }));
    const body: Record<string, unknown> = {
      issueId: issue.id,
      interval: width,
      from,
      to,
      series,
      totals,
    };
    if (ctx.query.breakdown) body.breakdown = await breakdown(ctx.deps, issue.id, from, to);
    return { status: 200, body };
  },
});

const statsRoutes = [issueStats];

export { statsRoutes };
