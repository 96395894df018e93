/**
 * Sentiment review (issue #3): queues of recent model-scored mentions for officials to label, and
 * the model's live quality measured from their answers.
 *
 * Corrections made where a label looked wrong are a biased sample: they teach the model but
 * cannot measure it. The `sample` queue is a uniform random order of the window's model-scored
 * mentions, so its answers (origin `review-sample`) estimate accuracy without that bias. The
 * `uncertain` queue puts the smallest score margins first: the answers that teach the model most.
 */
import { createHmac } from 'node:crypto';
import type { Repositories } from '../../domain/ports.ts';
import type { CorrectionRecord, Mention, SentimentLabel } from '../../domain/types.ts';
import { defineRoute, requireFromBeforeTo, requireIssue } from '../route.ts';
import * as s from '../schemas.ts';

const tag = 'Review';
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const DEFAULT_QUALITY_DAYS = 90;
/** Mentions of the window a review request reads, at most. */
const REVIEW_EXAMINE = 2_000;
const REVIEW_PAGE = 1_000;
/** Hour reads of a stratified review request in flight at once. */
const HOUR_READS_IN_FLIGHT = 6;

/** Confusion order of the contract: the three model classes first, then MIXED. */
const QUALITY_LABELS: readonly SentimentLabel[] = ['NEGATIVE', 'NEUTRAL', 'POSITIVE', 'MIXED'];

type ReviewMode = 'sample' | 'uncertain';

/** Scored by a model, not (yet) by an official: what the queues offer. */
function isModelScored(m: Mention): boolean {
  return m.sentiment !== undefined && m.sentiment.engine !== 'correction';
}

/**
 * The sample queue's key of a mention: HMAC-SHA256 keyed by the issue and the UTC day. A keyed
 * hash gives a uniform random order that everyone sees alike all day and that changes next day.
 */
function sampleRank(issueId: string, now: Date, mentionId: string): string {
  const day = now.toISOString().slice(0, 10);
  return createHmac('sha256', `${issueId}${day}`).update(mentionId).digest('hex');
}

/** Distance between the two highest of the POSITIVE/NEGATIVE/NEUTRAL scores. */
function scoreMargin(m: Mention): number {
  const sc = m.sentiment?.scores;
  const top = [sc?.POSITIVE ?? 0, sc?.NEGATIVE ?? 0, sc?.NEUTRAL ?? 0].sort((a, b) => b - a);
  return (top[0] as number) - (top[1] as number);
}

const byId = (a: Mention, b: Mention) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function orderQueue(mode: ReviewMode, issueId: string, now: Date, items: Mention[]): Mention[] {
  if (mode === 'sample') {
    const ranked = items.map((m) => ({ m, r: sampleRank(issueId, now, m.id) }));
    ranked.sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : byId(a.m, b.m)));
    return ranked.map((x) => x.m);
  }
  const ranked = items.map((m) => ({ m, d: scoreMargin(m) }));
  ranked.sort(
    (a, b) =>
      a.d - b.d ||
      (a.m.createdAt > b.m.createdAt ? -1 : a.m.createdAt < b.m.createdAt ? 1 : byId(a.m, b.m)),
  );
  return ranked.map((x) => x.m);
}

/**
 * Largest-remainder split of `budget` reads over the hours of the window, in proportion to each
 * hour's mention count. Counts are scaled by the share of the hour inside the window (its ends are
 * rarely on the hour), so a half-covered busy hour is not read as if it were whole.
 */
function hourQuotas(strata: readonly Stratum[], budget: number): number[] {
  const total = strata.reduce((a, h) => a + h.weight, 0);
  if (total <= 0) return strata.map(() => 0);
  const exact = strata.map((h) => (budget * h.weight) / total);
  const quotas = exact.map(Math.floor);
  let left = budget - quotas.reduce((a, q) => a + q, 0);
  const order = exact
    .map((x, i) => ({ i, frac: x - Math.floor(x) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    quotas[i] = (quotas[i] as number) + 1;
    left--;
  }
  return quotas;
}

interface Stratum {
  from: string;
  to: string;
  /** The hour's mention count, scaled by the part of the hour inside the window. */
  weight: number;
}

/** Hours of [from, to) with the issue's hourly bucket counts, clipped to the window. */
async function hourStrata(
  repos: Repositories,
  issueId: string,
  from: string,
  to: string,
): Promise<Stratum[]> {
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  const firstHour = fromMs - (fromMs % HOUR_MS);
  const buckets = await repos.buckets.query(issueId, '1h', new Date(firstHour).toISOString(), to);
  const strata: Stratum[] = [];
  for (const b of buckets) {
    const start = Date.parse(b.start);
    const lo = Math.max(start, fromMs);
    const hi = Math.min(start + HOUR_MS, toMs);
    if (hi <= lo || b.total <= 0) continue;
    strata.push({
      from: new Date(lo).toISOString(),
      to: new Date(hi).toISOString(),
      weight: (b.total * (hi - lo)) / HOUR_MS,
    });
  }
  return strata;
}

/** Up to `max` of the newest mentions of [from, to), paged. */
async function newest(
  repos: Repositories,
  issueId: string,
  from: string,
  to: string,
  max: number,
): Promise<Mention[]> {
  const out: Mention[] = [];
  let cursor: string | undefined;
  do {
    const page = await repos.mentions.query(issueId, {
      from,
      to,
      limit: Math.min(REVIEW_PAGE, max - out.length),
      cursor,
      order: 'desc',
    });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && out.length < max);
  return out;
}

/**
 * The mentions a review request ranks: all of the window when it holds at most REVIEW_EXAMINE,
 * else REVIEW_EXAMINE spread over its hours in proportion to their volume. Reading only the
 * newest would make the "random sample of the last 72 hours" of a busy issue a sample of its last
 * hour, which in a storm is exactly the hour least like the rest.
 */
async function readPool(
  repos: Repositories,
  issueId: string,
  from: string,
  to: string,
): Promise<Mention[]> {
  const strata = await hourStrata(repos, issueId, from, to);
  const counted = strata.reduce((a, h) => a + h.weight, 0);
  // Buckets count scored mentions; unscored ones and a missing bucket make the count low, so a
  // small count falls back to the newest mentions, which then are (nearly) all of them.
  if (counted <= REVIEW_EXAMINE) {
    return newest(repos, issueId, from, to, REVIEW_EXAMINE);
  }
  const quotas = hourQuotas(strata, REVIEW_EXAMINE);
  const items: Mention[] = [];
  for (let i = 0; i < strata.length; i += HOUR_READS_IN_FLIGHT) {
    const batch = strata.slice(i, i + HOUR_READS_IN_FLIGHT).map((h, k) => {
      const quota = quotas[i + k] as number;
      return quota > 0 ? newest(repos, issueId, h.from, h.to, quota) : Promise.resolve([]);
    });
    for (const part of await Promise.all(batch)) items.push(...part);
  }
  return items;
}

const reviewQueue = defineRoute({
  method: 'GET',
  path: '/v1/issues/{issueId}/review',
  scope: 'pantau/read',
  summary:
    'Model-scored mentions of the last `hours` for officials to label. At most 2,000 are ' +
    'examined: all of the window if it holds no more, else 2,000 spread over its hours in ' +
    'proportion to their volume (newest first within an hour). ' +
    'mode=sample: a uniform random order, the same all UTC day (HMAC-SHA256 keyed by issue id + ' +
    'date over the mention id); answer with origin review-sample. mode=uncertain: smallest margin ' +
    'between the two top scores first; answer with origin review-uncertain.',
  tag,
  params: s.issuePath,
  query: s.reviewQuery,
  responses: [{ status: 200, description: 'The queue', schema: s.reviewPage }],
  async handle(ctx) {
    const issue = await requireIssue(ctx, ctx.params.issueId);
    const { mode, limit, hours } = ctx.query;
    const to = ctx.now.toISOString();
    const from = new Date(ctx.now.getTime() - hours * HOUR_MS).toISOString();
    const pool = await readPool(ctx.deps.repos, issue.id, from, to);
    const eligible = pool.filter((m) => m.tenantId === ctx.principal.tenantId && isModelScored(m));
    const examined = pool.length;
    const items = orderQueue(mode, issue.id, ctx.now, eligible).slice(0, limit);
    return {
      status: 200,
      body: { mode, from, to, examined, remaining: eligible.length, items },
    };
  },
});

interface ClassFigures {
  label: SentimentLabel;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

interface QualityFigures {
  sample: {
    n: number;
    accuracy: number | null;
    macroF1: number | null;
    perClass: ClassFigures[];
    confusion: { labels: SentimentLabel[]; rows: number[][] };
  };
  uncertain: { n: number; agreement: number | null };
  manual: { n: number; agreement: number | null };
  models: Record<string, number>;
}

/** Judgments of the model: the latest correction of each mention the model had scored. */
function judgments(corrections: readonly CorrectionRecord[]): CorrectionRecord[] {
  const latest = new Map<string, CorrectionRecord>();
  for (const c of corrections) {
    const seen = latest.get(c.mentionId);
    if (!seen || c.at > seen.at) latest.set(c.mentionId, c);
  }
  // A mention corrected before any model scored it says nothing about the model.
  return [...latest.values()].filter((c) => c.modelLabel !== undefined);
}

function agreementOf(cs: readonly CorrectionRecord[]): { n: number; agreement: number | null } {
  const n = cs.length;
  const kept = cs.filter((c) => c.label === c.modelLabel).length;
  return { n, agreement: n === 0 ? null : kept / n };
}

/**
 * The quality figures of a set of corrections. Only `review-sample` answers measure the model
 * (rows = official label, columns = model label); the other origins only report agreement.
 */
function qualityFigures(corrections: readonly CorrectionRecord[]): QualityFigures {
  const judged = judgments(corrections);
  const sample = judged.filter((c) => c.origin === 'review-sample');
  const k = QUALITY_LABELS.length;
  const rows = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const models: Record<string, number> = {};
  let correct = 0;
  for (const c of sample) {
    const r = QUALITY_LABELS.indexOf(c.label);
    const col = QUALITY_LABELS.indexOf(c.modelLabel as SentimentLabel);
    const row = rows[r] as number[];
    row[col] = (row[col] as number) + 1;
    if (r === col) correct++;
    const version = c.model ?? 'unknown';
    models[version] = (models[version] ?? 0) + 1;
  }
  const perClass: ClassFigures[] = [];
  QUALITY_LABELS.forEach((label, i) => {
    const tp = rows[i]?.[i] ?? 0;
    const support = (rows[i] as number[]).reduce((a, b) => a + b, 0);
    const predicted = rows.reduce((a, row) => a + (row[i] as number), 0);
    // Only labels the officials or the model used: a class absent from both has no F1 to average.
    if (support === 0 && predicted === 0) return;
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass.push({ label, precision, recall, f1, support });
  });
  const n = sample.length;
  return {
    sample: {
      n,
      accuracy: n === 0 ? null : correct / n,
      macroF1: n === 0 ? null : perClass.reduce((a, c) => a + c.f1, 0) / perClass.length,
      perClass,
      confusion: { labels: [...QUALITY_LABELS], rows },
    },
    uncertain: agreementOf(judged.filter((c) => c.origin === 'review-uncertain')),
    manual: agreementOf(judged.filter((c) => c.origin === 'manual')),
    models,
  };
}

/** Parsed like the stats route's range: `to` defaults to now, `from` to 90 days before `to`. */
function qualityRange(q: { from?: string; to?: string }, now: Date) {
  const toMs = Date.parse(q.to ?? now.toISOString());
  const fromMs = q.from ? Date.parse(q.from) : toMs - DEFAULT_QUALITY_DAYS * DAY_MS;
  requireFromBeforeTo(fromMs, toMs);
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
}

const sentimentQualityRoute = defineRoute({
  method: 'GET',
  path: '/v1/issues/{issueId}/sentiment-quality',
  scope: 'pantau/read',
  summary:
    "The model's measured quality on this issue from officials' corrections made in [from, to) " +
    '(default: the last 90 days), the latest correction per mention. sample: accuracy, macro-F1, ' +
    'per-class figures and confusion from random-sample answers only (the unbiased figure); ' +
    'uncertain and manual: agreement only. Figures are null while n is 0.',
  tag,
  params: s.issuePath,
  query: s.qualityQuery,
  responses: [{ status: 200, description: 'The figures', schema: s.sentimentQuality }],
  async handle(ctx) {
    const issue = await requireIssue(ctx, ctx.params.issueId);
    const { from, to } = qualityRange(ctx.query, ctx.now);
    const corrections = await ctx.deps.repos.mentions.listIssueCorrections(issue.id, from, to);
    const own = corrections.filter((c) => c.tenantId === ctx.principal.tenantId);
    return { status: 200, body: { issueId: issue.id, from, to, ...qualityFigures(own) } };
  },
});

const reviewRoutes = [reviewQueue, sentimentQualityRoute];

export type { QualityFigures };
export { hourQuotas, orderQueue, qualityFigures, reviewRoutes, sampleRank, scoreMargin };
