/**
 * Mentions of an issue, newest/oldest first through the repository's range Query, or by
 * engagement from a bounded scan; plus officials' sentiment corrections.
 *
 * `contains` and `minEngagement` are not key or index conditions, so they filter pages after
 * the Query. To still return full pages without losing items, the API's cursor wraps the
 * repository cursor of the page being read with how far into that page the client has got.
 */

import type { z } from 'zod';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { Mention } from '../../domain/types.ts';
import {
  audit,
  defineRoute,
  type RouteContext,
  requireFromBeforeTo,
  requireIssue,
} from '../route.ts';
import * as s from '../schemas.ts';

const tag = 'Mentions';
const DAY_MS = 86_400_000;
const DEFAULT_RANGE_DAYS = 30;
/** Upper bound of mentions one request reads to apply post-filters or sort by engagement. */
const SCAN_BUDGET = 5_000;
const FILTERED_FETCH = 200;
const ENGAGEMENT_FETCH = 1_000;

type MentionsQuery = z.output<typeof s.mentionsQuery>;

interface ResumeState {
  /** Repository cursor of the page to read next (absent: the start of the range). */
  c?: string;
  /** Items of that page already examined. */
  k: number;
  /** Page size the repository was asked for, so re-reading the page gives the same items. */
  n: number;
}

function engagementOf(m: Pick<Mention, 'engagement'>): number {
  const e = m.engagement ?? {};
  return (e.likes ?? 0) + (e.reposts ?? 0) + (e.replies ?? 0) + (e.quotes ?? 0);
}

const fold = (t: string) => t.normalize('NFKC').toLowerCase();

function postFilter(q: MentionsQuery): ((m: Mention) => boolean) | undefined {
  if (q.contains === undefined && q.minEngagement === undefined) return undefined;
  const needle = q.contains === undefined ? undefined : fold(q.contains);
  const min = q.minEngagement;
  return (m) =>
    (min === undefined || engagementOf(m) >= min) &&
    (needle === undefined || fold(`${m.title ?? ''}\n${m.text}`).includes(needle));
}

function encodeState(state: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

function decodeState(cursor: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Falls through to the same error as any other cursor that is not ours.
  }
  throw new ValidationError('Invalid query.cursor: not a cursor this API issued', [
    { field: 'query.cursor', message: 'must be a nextCursor value returned by a previous page' },
  ]);
}

const badCursor = () =>
  new ValidationError('Invalid query.cursor: not a cursor this API issued', [
    { field: 'query.cursor', message: 'must be a nextCursor value returned by a previous page' },
  ]);

function resumeState(raw: Record<string, unknown> | undefined, fetch: number): ResumeState {
  if (raw === undefined) return { k: 0, n: fetch };
  const { c, k, n } = raw;
  if (raw.s !== 'r') throw badCursor();
  if (c !== undefined && (typeof c !== 'string' || c.length === 0 || c.length > 4096)) {
    throw badCursor();
  }
  if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > ENGAGEMENT_FETCH) {
    throw badCursor();
  }
  if (!Number.isInteger(k) || (k as number) < 0 || (k as number) >= (n as number)) {
    throw badCursor();
  }
  return { c: c as string | undefined, k: k as number, n: n as number };
}

/**
 * The range a page reads. A cursor carries the range of its first page, so a default range
 * (which moves with the clock) stays put while a client pages through it.
 */
function range(
  q: MentionsQuery,
  now: Date,
  fromCursor?: Record<string, unknown>,
): { from: string; to: string } {
  if (fromCursor) {
    const { f, t } = fromCursor;
    if (
      typeof f !== 'string' ||
      typeof t !== 'string' ||
      Number.isNaN(Date.parse(f)) ||
      Number.isNaN(Date.parse(t)) ||
      f >= t
    ) {
      throw badCursor();
    }
    return { from: f, to: t };
  }
  const to = q.to ?? now.toISOString();
  const from = q.from ?? new Date(Date.parse(to) - DEFAULT_RANGE_DAYS * DAY_MS).toISOString();
  requireFromBeforeTo(Date.parse(from), Date.parse(to));
  return { from, to };
}

async function timelinePage(
  ctx: RouteContext<unknown, MentionsQuery, unknown>,
  issueId: string,
  q: MentionsQuery,
): Promise<{ items: Mention[]; nextCursor?: string }> {
  const raw = q.cursor === undefined ? undefined : decodeState(q.cursor);
  const { from, to } = range(q, ctx.now, raw);
  const keep = postFilter(q);
  let state = resumeState(raw, keep ? FILTERED_FETCH : q.limit);
  const at = { f: from, t: to };
  const items: Mention[] = [];
  let examined = 0;
  for (;;) {
    const page = await ctx.deps.repos.mentions.query(issueId, {
      from,
      to,
      sentiment: q.sentiment,
      source: q.source,
      lang: q.lang,
      limit: state.n,
      cursor: state.c,
      order: q.sort === 'oldest' ? 'asc' : 'desc',
    });
    for (let i = state.k; i < page.items.length; i++) {
      const m = page.items[i] as Mention;
      examined++;
      if (keep && !keep(m)) continue;
      items.push(m);
      if (items.length === q.limit) {
        const next: ResumeState =
          i + 1 < page.items.length
            ? { c: state.c, k: i + 1, n: state.n }
            : { c: page.nextCursor, k: 0, n: keep ? FILTERED_FETCH : q.limit };
        if (next.k === 0 && next.c === undefined) return { items };
        return { items, nextCursor: encodeState({ s: 'r', ...next, ...at }) };
      }
    }
    if (!page.nextCursor) return { items };
    state = { c: page.nextCursor, k: 0, n: keep ? FILTERED_FETCH : q.limit - items.length };
    // A sparse filter must not turn one request into a scan of the whole issue.
    if (examined >= SCAN_BUDGET)
      return { items, nextCursor: encodeState({ s: 'r', ...state, ...at }) };
  }
}

async function engagementPage(
  ctx: RouteContext<unknown, MentionsQuery, unknown>,
  issueId: string,
  q: MentionsQuery,
): Promise<{ items: Mention[]; nextCursor?: string; truncated?: boolean }> {
  const raw = q.cursor === undefined ? undefined : decodeState(q.cursor);
  const { from, to } = range(q, ctx.now, raw);
  let offset = 0;
  if (raw !== undefined) {
    if (raw.s !== 'e' || !Number.isInteger(raw.o) || (raw.o as number) < 0) throw badCursor();
    offset = raw.o as number;
  }
  const keep = postFilter(q);
  const all: Mention[] = [];
  let cursor: string | undefined;
  let scanned = 0;
  do {
    const page = await ctx.deps.repos.mentions.query(issueId, {
      from,
      to,
      sentiment: q.sentiment,
      source: q.source,
      lang: q.lang,
      limit: Math.min(ENGAGEMENT_FETCH, SCAN_BUDGET - scanned),
      cursor,
      order: 'desc',
    });
    scanned += page.items.length;
    for (const m of page.items) if (!keep || keep(m)) all.push(m);
    cursor = page.nextCursor;
  } while (cursor && scanned < SCAN_BUDGET);
  all.sort((a, b) => engagementOf(b) - engagementOf(a) || (a.createdAt < b.createdAt ? 1 : -1));
  const items = all.slice(offset, offset + q.limit);
  const more = offset + q.limit < all.length;
  return {
    items,
    ...(more ? { nextCursor: encodeState({ s: 'e', o: offset + q.limit, f: from, t: to }) } : {}),
    ...(cursor ? { truncated: true } : {}),
  };
}

const listMentions = defineRoute({
  method: 'GET',
  path: '/v1/issues/{issueId}/mentions',
  scope: 'pantau/read',
  summary:
    'Mentions of an issue in [from, to) (default: the last 30 days), newest first by default. ' +
    'sort=engagement ranks the newest 5,000 matching mentions of the range.',
  tag,
  params: s.issuePath,
  query: s.mentionsQuery,
  responses: [{ status: 200, description: 'One page of mentions', schema: s.mentionPage }],
  async handle(ctx) {
    const issue = await requireIssue(ctx, ctx.params.issueId);
    const body =
      ctx.query.sort === 'engagement'
        ? await engagementPage(ctx, issue.id, ctx.query)
        : await timelinePage(ctx, issue.id, ctx.query);
    return { status: 200, body };
  },
});

const correctSentiment = defineRoute({
  method: 'POST',
  path: '/v1/mentions/{mentionId}/sentiment',
  scope: 'pantau/write',
  summary:
    "Correct or confirm a mention's sentiment label (moves its counts; kept for retraining and " +
    'for the live quality figures). origin says where the official answered (default manual).',
  tag,
  params: s.mentionPath,
  query: s.emptyQuery,
  body: s.sentimentCorrectionBody,
  responses: [{ status: 200, description: 'The correction', schema: s.correctionResult }],
  async handle(ctx) {
    const mention = await ctx.deps.repos.mentions.get(ctx.params.mentionId);
    if (!mention || mention.tenantId !== ctx.principal.tenantId) {
      throw new NotFoundError('Mention');
    }
    // The issue may have been deleted since; its mentions are then no longer the tenant's to edit.
    await requireIssue(ctx, mention.issueId);
    const { label, origin } = ctx.body;
    const { previous } = await ctx.deps.repos.mentions.correct(
      mention,
      label,
      ctx.principal.actor,
      ctx.now.toISOString(),
      origin,
    );
    await audit(ctx, 'mention.sentiment.correct', `mention/${mention.id}`, {
      label,
      previous,
      origin,
    });
    return {
      status: 200,
      body: { id: mention.id, label, ...(previous ? { previous } : {}), origin },
    };
  },
});

const mentionRoutes = [listMentions, correctSentiment];

export { engagementOf, mentionRoutes };
