/**
 * Sumber data: each collector's last run, from `GET /v1/sources/status`. In a crisis, silence
 * from a source is not calm: an official must see when the picture on the overview is incomplete
 * (X rate-limited, a credential refused, a collector that stopped running, a fan-out run that
 * stopped part way).
 *
 * Only what the API states is shown: whether a source is overdue and whether a partial run is
 * still going are the API's judgement at the time of the call (lib/sources/liveness.ts), never
 * this page's guess from its own clock.
 */
import { clear, h } from './dom.ts';
import { dateTime, num, relative } from './format.ts';
import { type MessageKey, t } from './i18n.ts';
import type { SourceHealth, SourceName, SourceStatus, SourceStatusView } from './types.ts';
import { errorText } from './view.ts';

/** A status as the API answers it, with the API's liveness judgement. */
type Shown = SourceStatusView;

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
function isPartial(s: Shown): boolean {
  return s.shards !== undefined && s.shardsPlanned !== undefined && s.shards < s.shardsPlanned;
}

/** A partial run the API says may still report is no gap yet; one it does not judge counts. */
function stillRunning(s: Shown): boolean {
  return isPartial(s) && s.run === 'running';
}

/** Whether the source's last run left a gap in what the overview shows. */
function hasTrouble(s: Shown): boolean {
  return (
    s.status !== 'ok' ||
    s.overdue === true ||
    (isPartial(s) && !stillRunning(s)) ||
    (s.lastError ?? '').trim() !== ''
  );
}

/** A collector that stopped running ranks with the stops: nothing new comes from it. */
function rankOf(s: Shown): number {
  return Math.max(HEALTH_RANK[s.status] ?? 3, s.overdue === true ? 2 : 0);
}

function sortSources(items: Shown[]): Shown[] {
  return [...items].sort(
    (a, b) =>
      rankOf(b) - rankOf(a) ||
      Number(hasTrouble(b)) - Number(hasTrouble(a)) ||
      sourceLabel(a.source).localeCompare(sourceLabel(b.source)),
  );
}

/** "Terlambat: tidak berjalan sejak 13.05 WIB (seharusnya tiap 5 menit)". */
function overdueText(s: Shown, now: Date): string {
  const time = dateTime(s.lastRunAt, now);
  return s.expectedEveryMinutes !== undefined
    ? t('sourceOverdue', { time, every: num(s.expectedEveryMinutes) })
    : t('sourceOverdueNoSchedule', { time });
}

/** The partial run's line: still going, stopped, or (an older API) just the count. */
function partialText(s: Shown): string {
  const vars = { done: num(s.shards as number), planned: num(s.shardsPlanned as number) };
  if (s.run === 'running') return t('sourceRunRunning', vars);
  if (s.run === 'incomplete') return t('sourceRunIncomplete', vars);
  return t('sourcePartial', vars);
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

function sourceRow(s: Shown, now: Date): HTMLElement {
  const lastError = (s.lastError ?? '').trim();
  const overdue = s.overdue === true;
  return h(
    'li',
    {
      class: `source-row${hasTrouble(s) ? ' has-trouble' : ''}`,
      'data-source': s.source,
      ...(overdue ? { 'data-overdue': 'true' } : {}),
    },
    h(
      'div',
      { class: 'source-head' },
      h('span', { class: 'source-name' }, sourceLabel(s.source)),
      // An overdue source's "Normal" is its last run's, long ago: the late chip replaces it.
      overdue && s.status === 'ok'
        ? null
        : h('span', { class: `badge source-chip ${healthClass(s.status)}` }, healthText(s)),
      overdue
        ? h(
            'span',
            {
              class: 'badge source-chip source-overdue health-stopped',
              ...(s.overdueSince ? { 'data-since': s.overdueSince } : {}),
            },
            overdueText(s, now),
          )
        : null,
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
          {
            // Still going is information, not a warning: muted like the last-run line, whose
            // spacing it shares; a run that stopped keeps the partial line's warning colour.
            class: stillRunning(s)
              ? 'source-shards source-run small muted'
              : 'source-shards source-partial small',
            ...(s.run ? { 'data-run': s.run } : {}),
          },
          partialText(s),
        )
      : null,
    lastError
      ? h('p', { class: 'source-error small muted' }, t('sourceLastError', { message: lastError }))
      : null,
  );
}

function fill(body: HTMLElement, items: Shown[], now: Date): void {
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
function sourceHealthSection(pending: Promise<Shown[]>): HTMLElement {
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
