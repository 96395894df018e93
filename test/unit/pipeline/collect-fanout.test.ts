import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lib/domain/errors.ts';
import {
  assignShards,
  FANOUT_POLICIES,
  laneHeads,
  newRunId,
  nextInLane,
  parseShard,
  RUN_ID_PATTERN,
  type ShardEvent,
  shardCount,
  shardOf,
} from '../../../lib/pipeline/collect-fanout.ts';

/** Scope keys as the adapters make them: `issue:<id>`, `issue:<tenant>:<id>`, feed URLs. */
function scopeKeys(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) out.push(`issue:01J${String(i).padStart(6, '0')}KX`);
    else if (i % 3 === 1) out.push(`issue:pemprov-jabar:isu-${i}`);
    else out.push(`https://portal-${i}.example.id/rss/berita`);
  }
  return out;
}

/** Walks every lane from its head to its end, as the shards would. */
function walk(heads: ShardEvent[]): number[][] {
  return heads.map((head) => {
    const lane: number[] = [];
    for (let e: ShardEvent | undefined = head; e; e = nextInLane(e)) lane.push(e.shard.index);
    return lane;
  });
}

describe('shardOf', () => {
  it('gives the same shard for the same key and count, in any process', () => {
    // Pinned values: a changed hash would move scopes between shards while old shards still run.
    const keys = [
      'issue:a',
      'issue:b',
      'https://www.antaranews.com/rss/terkini.xml',
      'issue:pemprov:isu-1',
    ];
    expect(keys.map((k) => shardOf(k, 10))).toEqual([7, 3, 7, 2]);
    for (const k of scopeKeys(200)) {
      const s = shardOf(k, 13);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(13);
      expect(Number.isInteger(s)).toBe(true);
    }
  });

  it('puts everything in shard 0 when there is one shard', () => {
    expect(new Set(scopeKeys(50).map((k) => shardOf(k, 1)))).toEqual(new Set([0]));
  });

  it('moves few keys when a shard is added (consistent hashing)', () => {
    const keys = scopeKeys(2000);
    const moved = keys.filter((k) => shardOf(k, 10) !== shardOf(k, 11)).length;
    // Ideal is 1/11 (182 of 2000); plain modulo would move about 10/11 (1818).
    expect(moved).toBeGreaterThan(100);
    expect(moved).toBeLessThan(300);
    // A key that moves goes to the new shard only.
    for (const k of keys) {
      if (shardOf(k, 10) !== shardOf(k, 11)) expect(shardOf(k, 11)).toBe(10);
    }
  });

  it('rejects a shard count outside 1..1000 with a ValidationError', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 1001]) {
      expect(() => shardOf('issue:a', bad)).toThrow(ValidationError);
    }
  });
});

describe('assignShards', () => {
  it('assigns every scope to exactly one shard', () => {
    const keys = scopeKeys(537);
    const groups = assignShards(keys, 22);
    expect(groups).toHaveLength(22);
    const flat = groups.flat();
    expect(flat).toHaveLength(keys.length);
    expect(new Set(flat)).toEqual(new Set(keys));
    for (const [i, g] of groups.entries()) for (const k of g) expect(shardOf(k, 22)).toBe(i);
  });

  it('balances realistic keys: no shard above 1.6x the mean or below 0.4x', () => {
    for (const [n, count] of [
      [500, 20],
      [1000, 40],
      [250, 10],
    ] as const) {
      const sizes = assignShards(scopeKeys(n), count).map((g) => g.length);
      const mean = n / count;
      expect(Math.max(...sizes), `${n}/${count}: ${sizes}`).toBeLessThanOrEqual(mean * 1.6);
      expect(Math.min(...sizes), `${n}/${count}: ${sizes}`).toBeGreaterThanOrEqual(mean * 0.4);
    }
  });
});

describe('shardCount', () => {
  it('keeps one shard up to the policy size, then one shard per size started', () => {
    const policy = { scopesPerShard: 25, maxLanes: 1 };
    expect(shardCount(0, policy)).toBe(1);
    expect(shardCount(25, policy)).toBe(1);
    expect(shardCount(26, policy)).toBe(2);
    expect(shardCount(500, policy)).toBe(20);
    expect(shardCount(10_000_000, policy)).toBe(1000);
  });

  it('runs the sources that share one credential in a single lane', () => {
    expect(FANOUT_POLICIES.x.maxLanes).toBe(1);
    expect(FANOUT_POLICIES.bluesky.maxLanes).toBe(1);
    expect(FANOUT_POLICIES.youtube.maxLanes).toBe(1);
  });
});

describe('lanes', () => {
  const notAfter = new Date('2026-03-10T03:05:00.000Z');

  it('visits every shard exactly once across the lanes, at most maxLanes at a time', () => {
    for (const [count, maxLanes, run] of [
      [20, 1, 0],
      [20, 4, 7],
      [7, 3, 123],
      [3, 8, 2],
    ] as const) {
      const heads = laneHeads('rss', count, { scopesPerShard: 10, maxLanes }, run, notAfter);
      expect(heads).toHaveLength(Math.min(count, maxLanes));
      const lanes = walk(heads);
      const all = lanes.flat();
      expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
    }
  });

  it('rotates the first shard from run to run, so a cut-short lane does not starve the same shards', () => {
    const policy = { scopesPerShard: 10, maxLanes: 1 };
    const firsts = [0, 1, 2, 3, 4].map(
      (run) => laneHeads('x', 5, policy, run, notAfter)[0]?.shard.index,
    );
    expect(new Set(firsts).size).toBe(5);
    const lane = walk(laneHeads('x', 5, policy, 3, notAfter))[0];
    expect(lane).toEqual([3, 4, 0, 1, 2]);
  });

  it('carries the plan in every event of a lane', () => {
    const [head] = laneHeads('bluesky', 4, { scopesPerShard: 1, maxLanes: 1 }, 9, notAfter);
    expect(head).toEqual({
      source: 'bluesky',
      shard: { index: 1, count: 4 },
      plan: { lanes: 1, offset: 1, notAfter: '2026-03-10T03:05:00.000Z' },
    });
    expect(head && nextInLane(head)?.plan).toEqual(head?.plan);
  });

  it('gives every shard of a run, head or successor, the run id of its planner', () => {
    const runId = newRunId();
    const heads = laneHeads('rss', 9, { scopesPerShard: 1, maxLanes: 3 }, 4, notAfter, runId);
    const events: ShardEvent[] = [];
    for (const head of heads) {
      for (let e: ShardEvent | undefined = head; e; e = nextInLane(e)) events.push(e);
    }
    expect(events).toHaveLength(9);
    expect(new Set(events.map((e) => e.plan.runId))).toEqual(new Set([runId]));
  });
});

describe('newRunId', () => {
  it('makes ids that sort in the order the runs started, even within one millisecond', () => {
    const ids = Array.from({ length: 200 }, () => newRunId());
    for (const id of ids) expect(id).toMatch(RUN_ID_PATTERN);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // The time part is a real ISO time, not a counter.
    const at = Date.parse((ids[0] as string).split('~')[0] as string);
    expect(Math.abs(at - Date.now())).toBeLessThan(60_000);
  });
});

describe('parseShard', () => {
  const plan = { lanes: 1, offset: 0, notAfter: '2026-03-10T03:05:00.000Z' };

  it('accepts a valid shard and plan', () => {
    expect(parseShard({ index: 2, count: 5 }, plan)).toEqual({
      shard: { index: 2, count: 5 },
      plan,
    });
  });

  it('keeps the run id of a plan, and accepts a plan from before run ids without one', () => {
    const runId = '2026-03-10T03:00:00.000Z~0123456789ab';
    expect(parseShard({ index: 2, count: 5 }, { ...plan, runId }).plan).toEqual({
      ...plan,
      runId,
    });
    expect(parseShard({ index: 2, count: 5 }, plan).plan).not.toHaveProperty('runId');
  });

  it.each([
    [null, plan, /"shard" must be an object/],
    [{ index: 0 }, plan, /"shard.count" must be an integer from 1 to 1000/],
    [{ index: 5, count: 5 }, plan, /"shard.index" must be an integer from 0 to 4/],
    [{ index: -1, count: 5 }, plan, /"shard.index"/],
    [{ index: '1', count: 5 }, plan, /"shard.index"/],
    [{ index: 0, count: 5 }, undefined, /needs "plan"/],
    [{ index: 0, count: 5 }, { ...plan, lanes: 6 }, /"plan.lanes" must be an integer from 1 to 5/],
    [{ index: 0, count: 5 }, { ...plan, offset: 5 }, /"plan.offset"/],
    [{ index: 0, count: 5 }, { ...plan, notAfter: 'soon' }, /"plan.notAfter" must be an ISO-8601/],
    [{ index: 0, count: 5 }, { ...plan, runId: 42 }, /"plan.runId" must be a run id/],
    [{ index: 0, count: 5 }, { ...plan, runId: '' }, /"plan.runId"/],
    [
      { index: 0, count: 5 },
      { ...plan, runId: '2026-03-10T03:00:00Z~0123456789ab' },
      /"plan.runId"/,
    ],
    [{ index: 0, count: 5 }, { ...plan, runId: 'run-1' }, /"plan.runId"/],
  ])('rejects %j / %j with a ValidationError', (shard, p, message) => {
    expect(() => parseShard(shard, p)).toThrow(ValidationError);
    expect(() => parseShard(shard, p)).toThrow(message);
  });
});
