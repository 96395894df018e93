/** What every page gets from the shell, and the shared bits pages are built from. */
import type { ApiClient } from './api.ts';
import { h } from './dom.ts';
import { errorText } from './errors.ts';
import type { MessageKey } from './i18n.ts';
import { t } from './i18n.ts';
import type { AlertLevel, AlertStatus, DashboardConfig, SentimentLabel } from './types.ts';

interface ViewContext {
  api: ApiClient;
  config: DashboardConfig;
  /** Announces a short message in the polite live region (screen readers, and a visible toast). */
  announce(message: string): void;
  /** Re-renders the current page with fresh data. */
  rerender(): void;
  /** Registers teardown (charts, listeners) for when the page is left or re-rendered. */
  onCleanup(fn: () => void): void;
  /** Width available to charts, measured from the main column. */
  contentWidth(): number;
}

function levelBadge(level: AlertLevel | undefined): HTMLElement {
  const cls = level ? `badge level-${level.toLowerCase()}` : 'badge level-normal';
  return h('span', { class: cls }, level ?? t('levelNormal'));
}

const STATUS_KEY: Record<AlertStatus, MessageKey> = {
  open: 'statusOpen',
  acknowledged: 'statusAcknowledged',
  resolved: 'statusResolved',
};

function statusBadge(status: AlertStatus): HTMLElement {
  return h('span', { class: `badge status-${status}` }, t(STATUS_KEY[status]));
}

const SENTIMENT_KEY: Record<SentimentLabel, MessageKey> = {
  POSITIVE: 'positive',
  NEGATIVE: 'negative',
  NEUTRAL: 'neutral',
  MIXED: 'mixed',
};

function tile(label: string, value: string, cls = ''): HTMLElement {
  return h(
    'div',
    { class: `tile ${cls}` },
    h('div', { class: 'tile-value' }, value),
    h('div', { class: 'tile-label' }, label),
  );
}

export type { ViewContext };
export { errorText, levelBadge, SENTIMENT_KEY, STATUS_KEY, statusBadge, tile };
