/**
 * Sumber data: each collector's last run, from `GET /v1/sources/status`. In a crisis, silence
 * from a source is not calm: an official must see when the picture on the overview is incomplete
 * (X rate-limited, a credential refused, a fan-out run only partly done).
 *
 * Only what the API states is shown. The API gives no schedule, so a source that has simply
 * stopped running is not called late here: its last run time is shown and read by the official.
 */
import { clear, h } from './dom.ts';
import { dateTime, num, relative } from './format.ts';
import { type MessageKey, t } from './i18n.ts';
import type { SourceHealth, SourceName, SourceStatus } from './types.ts';
import { errorText } from './view.ts';

const NAME_KEY: Record<SourceName, MessageKey> = {
  rss: 'srcRss',
  'google-news': 'srcGoogleNews',
  x: 'srcX',
  youtube: 'srcYoutube',
  bluesky: 'srcBluesky',
  mastodon: 'srcMastodon',
  demo: 'srcDemo',
};

/** Worst first, as the issue cards: a failure, then a stop, then a run with trouble, then calm. */
const HEALTH_RANK: Record<SourceHealth, number> = {
  error: 3,
  'auth-failed': 3,
  'quota-exhausted': 2,
  'rate-limited': 2,
  ok: 0,
};

/** The display name; a source newer than this bundle keeps the name the API gives it. */
function sourceLabel(source: string): string {
  const key = NAME_KEY[source as SourceName];
  return key ? t(key) : source;
}

/** Fewer shards reported than planned: a fan-out run partly done (or still going). */
function isPartial(s: SourceStatus): boolean {
  return s.shards !== undefined && s.shardsPlanned !== undefined && s.shards < s.shardsPlanned;
}

/** Whether the source's last run left a gap in what the overview shows. */
function hasTrouble(s: SourceStatus): boolean {
  return s.status !== 'ok' || isPartial(s) || (s.lastError ?? '').trim() !== '';
}

function sortSources(items: SourceStatus[]): SourceStatus[] {
  return [...items].sort(
    (a, b) =>
      (HEALTH_RANK[b.status] ?? 3) - (HEALTH_RANK[a.status] ?? 3) ||
      Number(hasTrouble(b)) - Number(hasTrouble(a)) ||
      sourceLabel(a.source).localeCompare(sourceLabel(b.source)),
  );
}

/** The chip's text: the state written out, never told by colour alone. */
function healthText(s: SourceStatus): string {
  const until = s.until ? dateTime(s.until) : undefined;
  switch (s.status) {
    case 'ok':
      return t('sourceOk');
    case 'rate-limited':
      return until ? t('sourceRateLimitedUntil', { time: until }) : t('sourceRateLimited');
    case 'quota-exhausted':
      return until ? t('sourceQuotaUntil', { time: until }) : t('sourceQuota');
    case 'auth-failed':
      return t('sourceAuthFailed');
    default:
      return t('sourceError');
  }
}

/** The chip's palette, the level chips': ok green, stops amber, failures red. */
function healthClass(status: SourceHealth): string {
  if (status === 'ok') return 'health-ok';
  if (status === 'rate-limited' || status === 'quota-exhausted') return 'health-stopped';
  return 'health-failed';
}

function sourceRow(s: SourceStatus, now: Date): HTMLElement {
  const lastError = (s.lastError ?? '').trim();
  return h(
    'li',
    { class: `source-row${hasTrouble(s) ? ' has-trouble' : ''}`, 'data-source': s.source },
    h(
      'div',
      { class: 'source-head' },
      h('span', { class: 'source-name' }, sourceLabel(s.source)),
      h('span', { class: `badge source-chip ${healthClass(s.status)}` }, healthText(s)),
    ),
    h(
      'p',
      { class: 'source-run small muted' },
      h(
        'time',
        { datetime: s.lastRunAt, title: dateTime(s.lastRunAt, now) },
        t('sourceLastRun', { time: relative(s.lastRunAt, now) }),
      ),
      ' · ',
      h(
        'span',
        { class: 'source-counts' },
        t('sourceCounts', { posts: num(s.postsSeen), mentions: num(s.mentionsWritten) }),
      ),
    ),
    isPartial(s)
      ? h(
          'p',
          { class: 'source-partial small' },
          t('sourcePartial', {
            done: num(s.shards as number),
            planned: num(s.shardsPlanned as number),
          }),
        )
      : null,
    lastError
      ? h('p', { class: 'source-error small muted' }, t('sourceLastError', { message: lastError }))
      : null,
  );
}

function fill(body: HTMLElement, items: SourceStatus[], now: Date): void {
  clear(body);
  if (items.length === 0) {
    body.append(h('p', { class: 'muted' }, t('sourcesEmpty')));
    return;
  }
  const troubled = items.filter(hasTrouble).length;
  if (troubled > 0) {
    body.append(
      h(
        'p',
        { class: 'sources-note' },
        t('sourcesIncomplete', { count: num(troubled), total: num(items.length) }),
      ),
    );
  }
  body.append(
    h(
      'ul',
      { class: 'source-list', 'aria-label': t('sourcesTitle') },
      sortSources(items).map((s) => sourceRow(s, now)),
    ),
  );
}

/**
 * The section, returned at once with a loading line and filled when `pending` settles, so the
 * issue cards above it never wait for the status call.
 */
function sourceHealthSection(pending: Promise<SourceStatus[]>): HTMLElement {
  const body = h(
    'div',
    { class: 'sources-body' },
    h('p', { class: 'muted small', 'aria-busy': 'true' }, t('loading')),
  );
  pending.then(
    (items) => fill(body, items, new Date()),
    (err: unknown) => {
      clear(body);
      body.append(h('p', { class: 'source-load-error small' }, errorText(err)));
    },
  );
  return h(
    'section',
    { class: 'sources panel', 'aria-labelledby': 'sources-title' },
    h('h2', { id: 'sources-title' }, t('sourcesTitle')),
    body,
  );
}

export { sourceHealthSection };
