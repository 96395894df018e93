/**
 * Ringkasan: every issue with its alert level, a 7-day sentiment sparkline and 24-hour volume,
 * then the health of the data sources behind them.
 */
import { sparkline } from './charts.ts';
import {
  currentLevels,
  groupPoints,
  LEVEL_RANK,
  mentionsSince,
  netSentiment,
  type Point,
  uniqueAlerts,
} from './data.ts';
import { clear, h } from './dom.ts';
import { decimal, num, relative } from './format.ts';
import { t } from './i18n.ts';
import { routeHref } from './router.ts';
import { sourceHealthSection } from './source-health.ts';
import type { Alert, Issue, Stats } from './types.ts';
import { levelBadge, type ViewContext } from './view.ts';

const WEEK_MS = 7 * 86_400_000;

interface Row {
  issue: Issue;
  alert: Alert | undefined;
  series: Point[];
  last24h: number | undefined;
}

async function renderOverview(ctx: ViewContext, el: HTMLElement): Promise<void> {
  const now = new Date();
  const from = new Date(now.getTime() - WEEK_MS).toISOString();
  // Asked for at once, awaited by nobody: the cards never wait for it, and on a usual refresh it
  // has answered before they are drawn, so the section does not flash a loading line.
  const sources = ctx.api.sourcesStatus();
  // Its failure is drawn in its own section; if the cards' calls fail first, the page's error
  // banner replaces everything and this rejection has nothing left to report to.
  sources.catch(() => undefined);
  const [issues, open, acknowledged] = await Promise.all([
    ctx.api.issues(),
    ctx.api.alerts('open'),
    ctx.api.alerts('acknowledged'),
  ]);
  const levels = currentLevels(uniqueAlerts([open, acknowledged]));
  const stats = await Promise.all(
    issues.map((i) => ctx.api.stats(i.id, { interval: '1h', from }).catch((err: unknown) => err)),
  );
  const rows = issues.map((issue, i): Row => {
    const s = stats[i];
    const ok = s && typeof s === 'object' && 'series' in s ? (s as Stats) : undefined;
    return {
      issue,
      alert: levels.get(issue.id),
      series: ok ? groupPoints(ok.series, 6) : [],
      last24h: ok ? mentionsSince(ok.series, now, 24) : undefined,
    };
  });
  // The issue in the worst state comes first, then the busiest.
  rows.sort(
    (a, b) =>
      (b.alert ? LEVEL_RANK[b.alert.level] : 0) - (a.alert ? LEVEL_RANK[a.alert.level] : 0) ||
      (b.last24h ?? 0) - (a.last24h ?? 0) ||
      a.issue.name.localeCompare(b.issue.name),
  );

  clear(el);
  el.append(h('h1', { tabindex: -1 }, t('overviewTitle')));
  const openCount = open.length;
  if (openCount > 0) {
    el.append(
      h(
        'p',
        { class: 'banner banner-alert', role: 'alert' },
        h('strong', {}, t('openAlertBanner', { count: openCount })),
        ' ',
        h('a', { href: routeHref({ name: 'alerts' }) }, t('viewAlert')),
      ),
    );
  }
  if (rows.length === 0) el.append(h('p', {}, t('overviewEmpty')));
  else el.append(issueList(rows, now));
  el.append(sourceHealthSection(sources));
}

function issueList(rows: Row[], now: Date): HTMLElement {
  return h(
    'ul',
    { class: 'issue-list', 'aria-label': t('overviewTitle') },
    rows.map((r) => {
      const net = netSentiment(r.series).filter((v): v is number => v !== null);
      const lastNet = net.length ? net[net.length - 1] : undefined;
      const sparkLabel = t('sparkLabel', {
        value: lastNet === undefined ? '–' : decimal(lastNet, 2),
      });
      return h(
        'li',
        {
          class: `issue-card${r.alert ? ` has-alert level-${r.alert.level.toLowerCase()}-edge` : ''}`,
        },
        h(
          'div',
          { class: 'issue-card-head' },
          h(
            'a',
            { class: 'issue-name', href: routeHref({ name: 'issue', issueId: r.issue.id }) },
            r.issue.name,
          ),
          r.issue.status === 'paused' ? h('span', { class: 'muted' }, ` (${t('paused')})`) : null,
        ),
        h(
          'div',
          { class: 'issue-card-body' },
          h(
            'div',
            { class: 'cell' },
            h('span', { class: 'cell-label' }, t('colLevel')),
            r.alert
              ? h(
                  'a',
                  {
                    href: routeHref({ name: 'alert', alertId: r.alert.id }),
                    class: 'level-link',
                  },
                  levelBadge(r.alert.level),
                  h('span', { class: 'muted small' }, ` ${relative(r.alert.episodeStart, now)}`),
                )
              : levelBadge(undefined),
          ),
          h(
            'div',
            { class: 'cell' },
            h('span', { class: 'cell-label' }, t('colTrend')),
            sparkline(r.series, sparkLabel),
          ),
          h(
            'div',
            { class: 'cell' },
            h('span', { class: 'cell-label' }, t('colMentions24h')),
            h('span', { class: 'count-24h' }, r.last24h === undefined ? '–' : num(r.last24h)),
          ),
        ),
      );
    }),
  );
}

export { renderOverview };
