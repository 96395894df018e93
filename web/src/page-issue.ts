/**
 * Isu: the issue's volume over time stacked by sentiment (zoomable), share by source, top
 * hashtags and accounts, the latest negative and the most engaged mentions (each correctable),
 * the sentiment review queue, its query and alert settings, and its alerts.
 */
import { stackedChart } from './charts.ts';
import { currentLevels, fitInterval, RANGE_MS, type RangeKey } from './data.ts';
import { clear, h } from './dom.ts';
import { decimal, num, pct, relative } from './format.ts';
import { type MessageKey, t } from './i18n.ts';
import { mentionItem } from './mention-item.ts';
import { canWrite } from './permissions.ts';
import { reviewPanel } from './review-panel.ts';
import { routeHref } from './router.ts';
import type { BucketWidth, DetectorParams, Stats } from './types.ts';
import { errorText, levelBadge, statusBadge, tile, type ViewContext } from './view.ts';

/** Chart settings survive re-renders and moving between issues within a visit. */
const view: { interval: BucketWidth; range: RangeKey } = { interval: '5m', range: '24h' };

const DETECTOR_KEYS: (keyof DetectorParams & MessageKey)[] = [
  'windowMinutes',
  'minNegative',
  'cooldownMinutes',
  'waspadaZ',
  'siagaZ',
  'awasZ',
  'alpha',
  'minNegativeShare',
  'resolveAfterWindows',
];

function select<T extends string>(
  id: string,
  label: string,
  options: [T, string][],
  value: T,
  onChange: (v: T) => void,
): HTMLElement {
  return h(
    'div',
    { class: 'control' },
    h('label', { for: id }, label),
    h(
      'select',
      { id, onchange: (ev: Event) => onChange((ev.target as HTMLSelectElement).value as T) },
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
    ),
  );
}

function listPanel(title: string, rows: [string, string][], empty: string): HTMLElement {
  return h(
    'section',
    { class: 'panel' },
    h('h2', {}, title),
    rows.length
      ? h(
          'ol',
          { class: 'rank-list' },
          rows.map(([k, v]) => h('li', {}, h('span', {}, k), h('span', { class: 'num' }, v))),
        )
      : h('p', { class: 'muted' }, empty),
  );
}

async function renderIssue(ctx: ViewContext, el: HTMLElement, issueId: string): Promise<void> {
  view.interval = fitInterval(view.interval, view.range);
  const to = new Date();
  const from = new Date(to.getTime() - RANGE_MS[view.range]).toISOString();
  const [issue, stats, negatives, engaged, alerts, writable] = await Promise.all([
    ctx.api.issue(issueId),
    ctx.api.stats(issueId, { interval: view.interval, from }),
    ctx.api.mentions(issueId, { sentiment: 'NEGATIVE', sort: 'newest', limit: 5, from }),
    ctx.api.mentions(issueId, { sort: 'engagement', limit: 5, from }),
    ctx.api.issueAlerts(issueId),
    canWrite(ctx),
  ]);
  const current = currentLevels(alerts).get(issueId);

  clear(el);
  el.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: -1 }, issue.name),
      levelBadge(current?.level),
      current
        ? h(
            'a',
            {
              class: 'button button-alert',
              href: routeHref({ name: 'alert', alertId: current.id }),
            },
            t('viewAlert'),
          )
        : null,
    ),
  );
  el.append(totalsTiles(stats));
  el.append(chartSection(ctx, stats, issueId));
  // Share by source and top terms sample up to 2,000 mentions: the slowest call of the page.
  // The chart does not wait for it; the panels fill in when it answers.
  const breakdownBox = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('loading')));
  el.append(breakdownBox);
  ctx.api
    .stats(issueId, { interval: view.interval, from, to: stats.to, breakdown: true })
    .then(
      (full) => {
        const b = full.breakdown;
        breakdownBox.replaceChildren(...(b ? [breakdownPanels(b)] : []));
      },
      (err: unknown) => breakdownBox.replaceChildren(h('p', { class: 'muted' }, errorText(err))),
    )
    .finally(() => breakdownBox.removeAttribute('aria-busy'));
  el.append(
    h(
      'div',
      { class: 'grid-2' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'top-neg' },
        h('h2', { id: 'top-neg' }, t('topNegative')),
        negatives.items.length
          ? h(
              'ul',
              { class: 'mention-list' },
              negatives.items.map((m) => mentionItem(ctx, m, writable)),
            )
          : h('p', { class: 'muted' }, t('noMentions')),
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'top-eng' },
        h('h2', { id: 'top-eng' }, t('topEngaged')),
        engaged.items.length
          ? h(
              'ul',
              { class: 'mention-list' },
              engaged.items.map((m) => mentionItem(ctx, m, writable)),
            )
          : h('p', { class: 'muted' }, t('noMentions')),
      ),
    ),
  );
  // Beside the mention lists it reviews: on a phone it follows them, before the settings.
  el.append(reviewPanel(ctx, issueId));
  el.append(
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, t('querySettings')),
      h(
        'dl',
        { class: 'settings' },
        h('dt', {}, t('query')),
        h('dd', {}, h('code', {}, issue.query)),
        h('dt', {}, t('sources')),
        h('dd', {}, issue.sources.join(', ')),
        h('dt', {}, t('languages')),
        h('dd', {}, issue.languages.length ? issue.languages.join(', ') : t('allLanguages')),
        DETECTOR_KEYS.flatMap((k) => {
          const v = issue.detector[k];
          return [
            h('dt', {}, t(k)),
            h('dd', {}, v === undefined ? t('detectorDefaults') : decimal(v, 2)),
          ];
        }),
      ),
      h(
        'p',
        {},
        h('a', { href: routeHref({ name: 'subscribers', issueId }) }, t('subscribersOfIssue')),
      ),
    ),
  );
  el.append(
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, t('issueAlerts')),
      alerts.length
        ? h(
            'ul',
            { class: 'alert-mini-list' },
            alerts
              .slice(0, 10)
              .map((a) =>
                h(
                  'li',
                  {},
                  h(
                    'a',
                    { href: routeHref({ name: 'alert', alertId: a.id }) },
                    levelBadge(a.level),
                    ' ',
                    statusBadge(a.status),
                    ' ',
                    relative(a.raisedAt),
                  ),
                ),
              ),
          )
        : h('p', { class: 'muted' }, t('alertsEmpty')),
    ),
  );
}

function breakdownPanels(b: NonNullable<Stats['breakdown']>): HTMLElement {
  return h(
    'div',
    { class: 'grid-3' },
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, t('bySource')),
      b.bySource.length
        ? h(
            'ul',
            { class: 'share-list' },
            b.bySource.map((s) => {
              const bar = h('span', { class: 'share-bar' });
              bar.style.width = `${Math.round(s.share * 100)}%`;
              return h(
                'li',
                {},
                h(
                  'span',
                  { class: 'share-label' },
                  s.source,
                  h('span', { class: 'num' }, `${pct(s.share)} (${num(s.count)})`),
                ),
                h('span', { class: 'share-track', 'aria-hidden': 'true' }, bar),
              );
            }),
          )
        : h('p', { class: 'muted' }, t('noData')),
      b.complete
        ? null
        : h('p', { class: 'muted small' }, t('sampledNote', { count: num(b.sampled) })),
    ),
    listPanel(
      t('topHashtags'),
      b.topHashtags.map((x) => [x.hashtag, num(x.count)]),
      t('noData'),
    ),
    listPanel(
      t('topAuthors'),
      b.topAuthors.map((x) => [x.author, num(x.count)]),
      t('noData'),
    ),
  );
}

function totalsTiles(stats: Stats): HTMLElement {
  const tot = stats.totals;
  const scored = tot.positive + tot.negative + tot.neutral + tot.mixed;
  return h(
    'div',
    { class: 'tiles', 'aria-label': t('totals') },
    tile(t('totals'), num(tot.total), 'tile-total'),
    tile(t('negative'), num(tot.negative), 'tile-negative'),
    tile(t('positive'), num(tot.positive), 'tile-positive'),
    tile(t('neutral'), num(tot.neutral + tot.mixed)),
    tile(t('negativeShareLabel'), scored ? pct(tot.negative / scored) : '–'),
  );
}

function chartSection(ctx: ViewContext, stats: Stats, issueId: string): HTMLElement {
  const chartBox = h('div', {
    class: 'chart',
    role: 'img',
    'aria-label': t('chartAria', {
      interval: t(`interval${stats.interval}` as MessageKey),
      total: num(stats.totals.total),
      negative: num(stats.totals.negative),
    }),
  });
  const section = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'chart-title' },
    h('h2', { id: 'chart-title' }, t('chartTitle')),
    h(
      'div',
      { class: 'controls' },
      select(
        `res-${issueId}`,
        t('resolution'),
        [
          ['5m', t('interval5m')],
          ['1h', t('interval1h')],
          ['1d', t('interval1d')],
        ],
        view.interval,
        (v) => {
          view.interval = v;
          ctx.rerender();
        },
      ),
      select(
        `range-${issueId}`,
        t('range'),
        [
          ['6h', t('range6h')],
          ['24h', t('range24h')],
          ['7d', t('range7d')],
          ['30d', t('range30d')],
        ],
        view.range,
        (v) => {
          view.range = v;
          view.interval = fitInterval(view.interval, v);
          ctx.rerender();
        },
      ),
    ),
    chartBox,
    h('p', { class: 'muted small' }, t('chartHelp')),
  );
  // uPlot measures its container, so it draws once the section is in the document.
  queueMicrotask(() => {
    const chart = stackedChart(chartBox, stats.series, { width: ctx.contentWidth() });
    ctx.onCleanup(() => chart.destroy());
  });
  return section;
}

export { renderIssue };
