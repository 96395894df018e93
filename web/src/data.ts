/**
 * Pure shaping of API answers into what the pages draw. No DOM here, so it is unit-tested in
 * Node and the browser only renders.
 */
import type { Alert, AlertLevel, AlertStatus, BucketCounts, BucketWidth } from './types.ts';

type Point = BucketCounts & { start: string };

type RangeKey = '6h' | '24h' | '7d' | '30d';

const RANGE_MS: Record<RangeKey, number> = {
  '6h': 6 * 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};
const INTERVAL_MS: Record<BucketWidth, number> = {
  '5m': 300_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};
/** The API refuses more than 2,200 windows per series. */
const MAX_POINTS = 2_200;

/** The finest resolution the API accepts for a range, if the chosen one is too fine. */
function fitInterval(interval: BucketWidth, range: RangeKey): BucketWidth {
  const order: BucketWidth[] = ['5m', '1h', '1d'];
  for (const w of order.slice(order.indexOf(interval))) {
    if (RANGE_MS[range] / INTERVAL_MS[w] <= MAX_POINTS) return w;
  }
  return '1d';
}

const LEVEL_RANK: Record<AlertLevel, number> = { WASPADA: 1, SIAGA: 2, AWAS: 3 };
const STATUS_RANK: Record<AlertStatus, number> = { open: 0, acknowledged: 1, resolved: 2 };

/**
 * Cumulative series for a stacked chart, negative at the bottom where the eye lands first:
 * [x, negative, +mixed, +neutral, +positive]. x is in seconds, as uPlot wants.
 */
function stackSeries(series: Point[]): [number[], number[], number[], number[], number[]] {
  const x: number[] = [];
  const neg: number[] = [];
  const mix: number[] = [];
  const neu: number[] = [];
  const pos: number[] = [];
  for (const p of series) {
    x.push(Date.parse(p.start) / 1000);
    const a = p.negative;
    const b = a + p.mixed;
    const c = b + p.neutral;
    neg.push(a);
    mix.push(b);
    neu.push(c);
    pos.push(c + p.positive);
  }
  return [x, neg, mix, neu, pos];
}

/** Net sentiment per point, (positive - negative) / scored, or null where nothing was scored. */
function netSentiment(series: Point[]): (number | null)[] {
  return series.map((p) => {
    const scored = p.positive + p.negative + p.neutral + p.mixed;
    return scored === 0 ? null : (p.positive - p.negative) / scored;
  });
}

/** Groups consecutive points `size` at a time (hourly into 6-hourly for a 7-day sparkline). */
function groupPoints(series: Point[], size: number): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < series.length; i += size) {
    const chunk = series.slice(i, i + size);
    const first = chunk[0];
    if (!first) continue;
    const sum: Point = { ...first };
    for (const p of chunk.slice(1)) {
      sum.total += p.total;
      sum.positive += p.positive;
      sum.negative += p.negative;
      sum.neutral += p.neutral;
      sum.mixed += p.mixed;
      sum.engagement += p.engagement;
    }
    out.push(sum);
  }
  return out;
}

/** Mentions whose window started within `hours` before `now`. */
function mentionsSince(series: Point[], now: Date, hours: number): number {
  const from = now.getTime() - hours * 3_600_000;
  return series.reduce((n, p) => (Date.parse(p.start) >= from ? n + p.total : n), 0);
}

/** The highest level among an issue's unresolved alerts, or undefined when all is normal. */
function currentLevels(alerts: Alert[]): Map<string, Alert> {
  const byIssue = new Map<string, Alert>();
  for (const a of alerts) {
    if (a.status === 'resolved') continue;
    const seen = byIssue.get(a.issueId);
    if (
      !seen ||
      LEVEL_RANK[a.level] > LEVEL_RANK[seen.level] ||
      (LEVEL_RANK[a.level] === LEVEL_RANK[seen.level] &&
        STATUS_RANK[a.status] < STATUS_RANK[seen.status])
    ) {
      byIssue.set(a.issueId, a);
    }
  }
  return byIssue;
}

/** Inbox order: open first, then acknowledged, then resolved; within each, highest level, newest. */
function sortAlerts(alerts: Alert[]): Alert[] {
  return [...alerts].sort(
    (a, b) =>
      STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
      LEVEL_RANK[b.level] - LEVEL_RANK[a.level] ||
      (a.raisedAt < b.raisedAt ? 1 : a.raisedAt > b.raisedAt ? -1 : 0),
  );
}

/** Alerts listed by several status queries, once each (a status may change between calls). */
function uniqueAlerts(lists: Alert[][]): Alert[] {
  const byId = new Map<string, Alert>();
  for (const list of lists) for (const a of list) if (!byId.has(a.id)) byId.set(a.id, a);
  return [...byId.values()];
}

function engagementOf(e: { likes?: number; reposts?: number; replies?: number; quotes?: number }) {
  return (e.likes ?? 0) + (e.reposts ?? 0) + (e.replies ?? 0) + (e.quotes ?? 0);
}

export type { Point, RangeKey };
export {
  currentLevels,
  engagementOf,
  fitInterval,
  groupPoints,
  LEVEL_RANK,
  mentionsSince,
  netSentiment,
  RANGE_MS,
  sortAlerts,
  stackSeries,
  uniqueAlerts,
};
