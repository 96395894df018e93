/**
 * Peringatan: the inbox (open first) and one alert with its evidence: how big (current vs
 * normal), since when, the chart around the spike, sample posts, and acknowledge/resolve with
 * a note. SMS and email link straight to `#/alerts/<alertId>`.
 */
import { stackedChart, trendBars } from './charts.ts';
import { sortAlerts, uniqueAlerts } from './data.ts';
import { clear, h } from './dom.ts';
import { actorName, dateTime, decimal, num, pct, relative } from './format.ts';
import { t } from './i18n.ts';
import { clip } from './mention-item.ts';
import { routeHref } from './router.ts';
import type { Alert, Stats } from './types.ts';
import { safeUrl } from './url.ts';
import { errorText, levelBadge, statusBadge, tile, type ViewContext } from './view.ts';

async function renderAlerts(ctx: ViewContext, el: HTMLElement): Promise<void> {
  // Open and acknowledged ones are fetched by status so a long history never pushes them out.
  const [open, acknowledged, recent] = await Promise.all([
    ctx.api.alerts('open'),
    ctx.api.alerts('acknowledged'),
    ctx.api.alerts(),
  ]);
  const alerts = sortAlerts(uniqueAlerts([open, acknowledged, recent]));
  clear(el);
  el.append(h('h1', { tabindex: -1 }, t('alertsTitle')));
  if (alerts.length === 0) {
    el.append(h('p', { class: 'banner banner-ok' }, t('alertsEmpty')));
    return;
  }
  el.append(
    h(
      'ul',
      { class: 'alert-list', 'aria-label': t('alertsTitle') },
      alerts.map((a) =>
        h(
          'li',
          { class: `alert-card status-${a.status}` },
          h(
            'a',
            { href: routeHref({ name: 'alert', alertId: a.id }), class: 'alert-card-link' },
            h(
              'span',
              { class: 'alert-card-head' },
              levelBadge(a.level),
              ' ',
              h('strong', {}, a.issueName),
            ),
            h(
              'span',
              { class: 'alert-card-meta' },
              statusBadge(a.status),
              ` ${t('since', { time: relative(a.episodeStart) })} · ${num(a.evidence.negative)} ${t('negativeMentions')} (${t('baseline')} ${decimal(a.evidence.baseline)})`,
            ),
          ),
        ),
      ),
    ),
  );
}

async function renderAlert(ctx: ViewContext, el: HTMLElement, alertId: string): Promise<void> {
  const alert = await ctx.api.alert(alertId);
  const ev = alert.evidence;
  const spanMs = Date.parse(ev.windowEnd) - Date.parse(ev.windowStart);
  const from = new Date(Date.parse(ev.windowStart) - Math.max(3 * 3_600_000, 6 * spanMs));
  const to = new Date(Math.min(Date.now(), Date.parse(ev.windowEnd) + 3_600_000));
  let around: Stats | undefined;
  let aroundError: unknown;
  try {
    around = await ctx.api.stats(alert.issueId, {
      interval: '5m',
      from: from.toISOString(),
      to: to > from ? to.toISOString() : undefined,
    });
  } catch (err) {
    // The evidence stands on its own; the chart is a bonus that must not hide it.
    aroundError = err;
  }

  clear(el);
  el.append(
    h('p', {}, h('a', { href: routeHref({ name: 'alerts' }) }, `← ${t('backToAlerts')}`)),
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: -1 }, levelBadge(alert.level), ' ', alert.issueName),
      statusBadge(alert.status),
    ),
    h(
      'p',
      { class: 'lead' },
      t('since', { time: `${relative(alert.episodeStart)} (${dateTime(alert.episodeStart)})` }),
      alert.state === 'escalated' ? ` · ${t('escalated')}` : '',
      ` · ${t('raisedAt', { time: dateTime(alert.raisedAt) })}`,
    ),
    h(
      'div',
      { class: 'tiles' },
      tile(t('current'), num(ev.negative), 'tile-negative'),
      tile(t('baseline'), decimal(ev.baseline)),
      tile(t('vsNormal'), `${decimal(ev.ratio)}×`),
      tile(t('negativeShareLabel'), pct(ev.negativeShare)),
    ),
    actionPanel(ctx, alert),
  );
  const trendLabel = `${t('trendTitle')}: ${ev.trend.join(', ')}; ${t('baseline')} ${decimal(ev.baseline)}`;
  el.append(
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, t('trendTitle')),
      trendBars(ev.trend, ev.baseline, trendLabel),
      h(
        'p',
        { class: 'muted small' },
        t('window', { from: dateTime(ev.windowStart), to: dateTime(ev.windowEnd) }),
      ),
      h('p', {}, h('strong', {}, `${t('reason')}: `), ev.reason),
    ),
  );
  const chartBox = h('div', { class: 'chart', role: 'img', 'aria-label': t('aroundSpike') });
  el.append(
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, t('aroundSpike')),
      around ? chartBox : h('p', { class: 'muted' }, errorText(aroundError)),
    ),
  );
  if (around) {
    const series = around.series;
    queueMicrotask(() => {
      const chart = stackedChart(chartBox, series, { width: ctx.contentWidth(), height: 200 });
      ctx.onCleanup(() => chart.destroy());
    });
  }
  el.append(
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, t('samplePosts')),
      ev.topMentions.length
        ? h(
            'ul',
            { class: 'mention-list' },
            ev.topMentions.map((m) => {
              const url = safeUrl(m.url);
              return h(
                'li',
                { class: 'mention' },
                h('p', { class: 'mention-text' }, clip(m.text)),
                h(
                  'p',
                  { class: 'mention-meta' },
                  m.author ? `${t('by', { author: m.author })} · ` : '',
                  `${t('engagement')} ${num(m.engagement)}`,
                  url
                    ? [
                        ' · ',
                        h(
                          'a',
                          { href: url, target: '_blank', rel: 'noopener noreferrer' },
                          t('openPost'),
                        ),
                      ]
                    : null,
                ),
              );
            }),
          )
        : h('p', { class: 'muted' }, t('noData')),
      h(
        'p',
        {},
        h('a', { href: routeHref({ name: 'issue', issueId: alert.issueId }) }, t('openIssue')),
      ),
    ),
  );
}

function actionPanel(ctx: ViewContext, alert: Alert): HTMLElement {
  const history = [
    alert.acknowledgedAt
      ? h(
          'p',
          {},
          t('acknowledgedBy', {
            who: actorName(alert.acknowledgedBy),
            time: dateTime(alert.acknowledgedAt),
          }),
        )
      : null,
    alert.resolvedAt
      ? h(
          'p',
          {},
          t('resolvedBy', { who: actorName(alert.resolvedBy), time: dateTime(alert.resolvedAt) }),
        )
      : null,
    alert.note ? h('p', {}, t('savedNote', { note: alert.note })) : null,
  ];
  const guidance =
    alert.status === 'open'
      ? t('nextStepsOpen')
      : alert.status === 'acknowledged'
        ? t('nextStepsAck')
        : t('nextStepsResolved');
  if (alert.status === 'resolved') {
    return h(
      'section',
      { class: 'panel panel-action' },
      h('h2', {}, t('nextSteps')),
      h('p', {}, guidance),
      history,
    );
  }
  const note = h('textarea', { id: 'alert-note', name: 'note', rows: 2, maxlength: 1000 });
  const act = async (action: 'ack' | 'resolve', button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      const updated = await ctx.api.transition(alert.id, action, note.value.trim() || undefined);
      ctx.announce(
        `${t(action === 'ack' ? 'acknowledge' : 'resolve')}: ${t(updated.status === 'resolved' ? 'statusResolved' : 'statusAcknowledged')}`,
      );
      ctx.rerender();
    } catch (err) {
      button.disabled = false;
      ctx.announce(errorText(err));
    }
  };
  return h(
    'section',
    { class: 'panel panel-action' },
    h('h2', {}, t('nextSteps')),
    h('p', {}, guidance),
    history,
    h(
      'form',
      { class: 'action-form', onsubmit: (ev: Event) => ev.preventDefault() },
      h('label', { for: 'alert-note' }, t('note')),
      note,
      h(
        'div',
        { class: 'buttons' },
        alert.status === 'open'
          ? h(
              'button',
              {
                type: 'button',
                class: 'button',
                onclick: (ev: Event) => act('ack', ev.currentTarget as HTMLButtonElement),
              },
              t('acknowledge'),
            )
          : null,
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            onclick: (ev: Event) => act('resolve', ev.currentTarget as HTMLButtonElement),
          },
          t('resolve'),
        ),
      ),
    ),
  );
}

export { renderAlert, renderAlerts };
