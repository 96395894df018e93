import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../lib/domain/types.ts';
import {
  currentLevels,
  fitInterval,
  groupPoints,
  mentionsSince,
  netSentiment,
  sortAlerts,
  stackSeries,
  uniqueAlerts,
} from '../../../web/src/data.ts';

const point = (
  start: string,
  c: Partial<Record<'positive' | 'negative' | 'neutral' | 'mixed', number>>,
) => {
  const p = { positive: 0, negative: 0, neutral: 0, mixed: 0, ...c };
  return { start, ...p, total: p.positive + p.negative + p.neutral + p.mixed, engagement: 1 };
};

function alert(
  id: string,
  issueId: string,
  level: Alert['level'],
  status: Alert['status'],
  raisedAt: string,
): Alert {
  return {
    tenantId: 't',
    issueId,
    issueName: issueId,
    id,
    episodeStart: raisedAt,
    level,
    state: 'raised',
    raisedAt,
    status,
    evidence: {
      windowStart: raisedAt,
      windowEnd: raisedAt,
      negative: 1,
      total: 1,
      baseline: 0,
      deviation: 0,
      ratio: 1,
      negativeShare: 1,
      trend: [],
      topMentions: [],
      reason: '',
    },
  };
}

describe('stackSeries', () => {
  it('stacks negative at the bottom and ends at the total, with x in seconds', () => {
    const [x, neg, mix, neu, pos] = stackSeries([
      point('2026-01-01T00:00:00.000Z', { negative: 3, mixed: 1, neutral: 2, positive: 4 }),
      point('2026-01-01T00:05:00.000Z', { positive: 5 }),
    ]);
    expect(x).toEqual([
      Date.parse('2026-01-01T00:00:00Z') / 1000,
      Date.parse('2026-01-01T00:05:00Z') / 1000,
    ]);
    expect(neg).toEqual([3, 0]);
    expect(mix).toEqual([4, 0]);
    expect(neu).toEqual([6, 0]);
    expect(pos).toEqual([10, 5]);
  });
});

describe('netSentiment', () => {
  it('is (positive - negative) / scored, and null where nothing was scored', () => {
    expect(
      netSentiment([
        point('a', { positive: 3, negative: 1 }),
        point('b', {}),
        point('c', { negative: 2, neutral: 2 }),
      ]),
    ).toEqual([0.5, null, -0.5]);
  });
});

describe('groupPoints', () => {
  it('sums consecutive points and keeps the first start', () => {
    const grouped = groupPoints(
      [point('a', { negative: 1 }), point('b', { positive: 2 }), point('c', { neutral: 4 })],
      2,
    );
    expect(grouped).toEqual([
      { start: 'a', positive: 2, negative: 1, neutral: 0, mixed: 0, total: 3, engagement: 2 },
      { start: 'c', positive: 0, negative: 0, neutral: 4, mixed: 0, total: 4, engagement: 1 },
    ]);
  });
});

describe('mentionsSince', () => {
  it('counts only windows that started within the last hours', () => {
    const now = new Date('2026-01-02T12:00:00Z');
    const series = [
      point('2026-01-01T11:00:00.000Z', { negative: 100 }),
      point('2026-01-01T12:00:00.000Z', { negative: 5 }),
      point('2026-01-02T11:00:00.000Z', { positive: 7 }),
    ];
    expect(mentionsSince(series, now, 24)).toBe(12);
  });
});

describe('currentLevels', () => {
  it('takes the highest unresolved level per issue and ignores resolved alerts', () => {
    const levels = currentLevels([
      alert('a1', 'i1', 'WASPADA', 'open', '2026-01-01T00:00:00Z'),
      alert('a2', 'i1', 'SIAGA', 'acknowledged', '2026-01-01T01:00:00Z'),
      alert('a3', 'i2', 'AWAS', 'resolved', '2026-01-01T02:00:00Z'),
    ]);
    expect(levels.get('i1')?.id).toBe('a2');
    expect(levels.has('i2')).toBe(false);
  });
});

describe('sortAlerts', () => {
  it('puts open first, then acknowledged, then resolved; higher levels and newer first within', () => {
    const sorted = sortAlerts([
      alert('resolved-awas', 'i', 'AWAS', 'resolved', '2026-01-01T05:00:00Z'),
      alert('ack', 'i', 'AWAS', 'acknowledged', '2026-01-01T04:00:00Z'),
      alert('open-old', 'i', 'WASPADA', 'open', '2026-01-01T01:00:00Z'),
      alert('open-new', 'i', 'WASPADA', 'open', '2026-01-01T03:00:00Z'),
      alert('open-siaga', 'i', 'SIAGA', 'open', '2026-01-01T00:00:00Z'),
    ]);
    expect(sorted.map((a) => a.id)).toEqual([
      'open-siaga',
      'open-new',
      'open-old',
      'ack',
      'resolved-awas',
    ]);
  });

  it('lists an alert returned by two status queries once', () => {
    const a = alert('x', 'i', 'SIAGA', 'open', '2026-01-01T00:00:00Z');
    expect(
      uniqueAlerts([[a], [a, alert('y', 'i', 'SIAGA', 'open', '2026-01-01T00:00:00Z')]]).map(
        (v) => v.id,
      ),
    ).toEqual(['x', 'y']);
  });
});

describe('fitInterval', () => {
  it('keeps a resolution the API accepts and coarsens one that would exceed 2,200 windows', () => {
    expect(fitInterval('5m', '24h')).toBe('5m');
    expect(fitInterval('5m', '7d')).toBe('5m');
    expect(fitInterval('5m', '30d')).toBe('1h');
    expect(fitInterval('1d', '6h')).toBe('1d');
  });
});
