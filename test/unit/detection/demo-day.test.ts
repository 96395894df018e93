/**
 * What the local flow does (`npm start`, the flow and dashboard tests), at every quarter hour of
 * two days: the demo source's two hours of first-run history for the first demo issue, scored by the
 * built-in model, learnt by the detector; then a forced negative burst must leave an alert open.
 * The demo's scheduled bursts fall at different times of day, so this is the test that the
 * end-to-end alert tests do not depend on when they run.
 */
import { describe, expect, it } from 'vitest';
import { advance, resolveParams, type WindowCounts } from '../../../lib/detection/index.ts';
import type { CollectScope } from '../../../lib/domain/ports.ts';
import type { Issue, Post, SentimentLabel } from '../../../lib/domain/types.ts';
import { loadBuiltinModel, scoreBuiltin } from '../../../lib/sentiment/builtin.ts';
import { createDemoSource, DEMO_ISSUES } from '../../../lib/sources/demo.ts';

const W = 5 * 60_000;
const model = loadBuiltinModel();
const params = resolveParams({});
const issue: Issue = {
  ...(DEMO_ISSUES[0] as (typeof DEMO_ISSUES)[number]),
  tenantId: 'demo',
  id: 'demo-1',
  status: 'active',
  detector: {},
  createdAt: '2026-11-29T00:00:00.000Z',
  updatedAt: '2026-11-29T00:00:00.000Z',
};
const FIELD: Record<SentimentLabel, 'positive' | 'negative' | 'neutral' | 'mixed'> = {
  POSITIVE: 'positive',
  NEGATIVE: 'negative',
  NEUTRAL: 'neutral',
  MIXED: 'mixed',
};

/** Posts counted into 5-minute windows by their creation time, labelled by the built-in model. */
function count(windows: Map<number, WindowCounts>, posts: Post[]): void {
  for (const post of posts) {
    const start = Math.floor(Date.parse(post.createdAt) / W) * W;
    const w = windows.get(start) ?? {
      start: new Date(start).toISOString(),
      total: 0,
      positive: 0,
      negative: 0,
      neutral: 0,
      mixed: 0,
      engagement: 0,
    };
    const label = scoreBuiltin(model, post.text, post.createdAt).label;
    w.total += 1;
    w[FIELD[label]] += 1;
    windows.set(start, w);
  }
}

describe('the demo flow at every quarter hour of two days', () => {
  it('learns two hours of demo history and raises the forced burst', async () => {
    const missed: string[] = [];
    const day = Date.parse('2026-11-30T00:00:00.000Z');
    for (let q = 0; q < 192; q++) {
      const now = day + q * 15 * 60_000 + 30_000;
      const demo = createDemoSource({ backfillMinutes: 120, postsPerRun: 5000 });
      const [scope] = demo.scopes([issue]) as [CollectScope];
      const windows = new Map<number, WindowCounts>();
      const first = await demo.fetch(scope, undefined, {
        now: new Date(now),
        deadline: Number.POSITIVE_INFINITY,
      });
      count(windows, first.posts);
      const learnt = advance(undefined, [...windows.values()], new Date(now), params);

      const later = now + 60_000;
      demo.forceBurst({ issueId: issue.id });
      const second = await demo.fetch(scope, first.cursor, {
        now: new Date(later),
        deadline: Number.POSITIVE_INFINITY,
      });
      count(windows, second.posts);
      const recent = [...windows.values()].filter((w) => Date.parse(w.start) > later - 6 * W);
      const after = advance(learnt.state, recent, new Date(later), params);
      if (after.state.episode === null) missed.push(new Date(now).toISOString());
    }
    expect(missed).toEqual([]);
  }, 60_000);
});
