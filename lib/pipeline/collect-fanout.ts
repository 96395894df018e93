/**
 * Collector fan-out: how one scheduled run of a source is split when there are hundreds of
 * issues, so every Lambda invocation stays bounded in time and memory.
 *
 * - A scope (a feed, or one issue's search) belongs to one shard, chosen by a jump consistent hash
 *   of its key: the planner and every shard compute the same assignment without talking to each
 *   other, so within one run no two shards ever touch the same cursor. When the shard count changes
 *   from n to n+1 only about 1/(n+1) of the scopes move, so consecutive runs rarely disagree.
 * - Shards run in `lanes`: a lane handles its shards one after the other (each shard invokes the
 *   next one of its lane when it finishes), so at most `lanes` shards of a source run at once. Search
 *   APIs whose rate limit belongs to one credential (X, Bluesky) run in one lane; per-host sources
 *   (RSS portals) in several.
 * - The start of the shard order rotates from run to run, so when a long chain is cut short (the
 *   next run supersedes it, or a rate limit stops it) it is not always the same shards that wait.
 */
import { randomBytes } from 'node:crypto';
import { ValidationError } from '../domain/errors.ts';
import type { SourceName } from '../domain/types.ts';

export interface FanoutPolicy {
  /** Scopes one invocation handles before the planner splits the source into shards. */
  scopesPerShard: number;
  /** Shards of the source running at the same time (1: one after the other). */
  maxLanes: number;
}

export interface ShardRef {
  index: number;
  count: number;
}

/** What a shard event carries besides its index, so it can start the next shard of its lane. */
export interface ShardPlan {
  /** Shards running at once; a shard starts `lanes` positions further on. */
  lanes: number;
  /** Index of the shard at position 0 of this run's order (rotates per run). */
  offset: number;
  /** ISO time after which no further shard of this run is started (the next run takes over). */
  notAfter: string;
  /**
   * The run every shard of this plan belongs to (`newRunId`): the source status sums the shards'
   * counts under it. Events queued before run ids existed have none; such a shard is a run alone.
   */
  runId?: string;
}

export interface ShardEvent {
  source: SourceName;
  shard: ShardRef;
  plan: ShardPlan;
}

/** `<ISO start, UTC, ms>~<12 hex>`: ids of runs order by start time as plain strings. */
const RUN_ID_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z~[0-9a-f]{12}$/;

let lastRunMs = 0;

/**
 * A new collect run's id. Wall-clock time, not a domain clock (tests fix theirs): ids of later
 * runs must sort later, which the status relies on to replace, not mix, counts. Strictly
 * increasing within a process, so two runs started in the same millisecond still order.
 */
function newRunId(): string {
  const ms = Math.max(Date.now(), lastRunMs + 1);
  lastRunMs = ms;
  return `${new Date(ms).toISOString()}~${randomBytes(6).toString('hex')}`;
}

/** Upper bound on shards of one run; far above any real need, it keeps a bad event harmless. */
const MAX_SHARDS = 1_000;

/**
 * Rate limits are per credential or per host, so the policy is per source (see
 * docs/collectors.md for the figures behind each choice).
 */
const FANOUT_POLICIES: Readonly<Record<SourceName, FanoutPolicy>> = {
  // One request per feed, each to a different portal: several lanes are safe.
  rss: { scopesPerShard: 40, maxLanes: 4 },
  // One host (news.google.com) for every issue; it throttles by IP, so keep it modest.
  'google-news': { scopesPerShard: 40, maxLanes: 2 },
  // One bearer token for every issue: 450 requests / 15 min per app. Sequential.
  x: { scopesPerShard: 25, maxLanes: 1 },
  // One account session for every issue; PDS 3,000 requests / 5 min per IP. Sequential.
  bluesky: { scopesPerShard: 25, maxLanes: 1 },
  // One API key with a daily quota; search.list has its own 100/day. Sequential.
  youtube: { scopesPerShard: 10, maxLanes: 1 },
  // Limits are per instance and token; a few lanes spread over instances.
  mastodon: { scopesPerShard: 25, maxLanes: 2 },
  demo: { scopesPerShard: 50, maxLanes: 2 },
};

const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const MASK64 = (1n << 64n) - 1n;

/** FNV-1a over the UTF-8 bytes of the key, 64-bit. */
function fnv1a64(key: string): bigint {
  let h = FNV64_OFFSET;
  for (const byte of Buffer.from(key, 'utf8')) {
    h ^= BigInt(byte);
    h = (h * FNV64_PRIME) & MASK64;
  }
  return h;
}

/** Lamping & Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm" (2014). */
function jumpHash(key: bigint, buckets: number): number {
  let k = key;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    k = (k * 2862933555777941757n + 1n) & MASK64;
    j = Math.floor(((b + 1) * 2 ** 31) / (Number(k >> 33n) + 1));
  }
  return b;
}

function requireCount(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS) {
    throw new ValidationError(`A shard count must be an integer from 1 to ${MAX_SHARDS}`);
  }
}

/** Throws ValidationError unless `ref` is a shard of a valid count. */
function checkShard(ref: ShardRef): void {
  requireCount(ref.count);
  if (!Number.isInteger(ref.index) || ref.index < 0 || ref.index >= ref.count) {
    throw new ValidationError(`A shard index must be an integer from 0 to ${ref.count - 1}`);
  }
}

/** The shard a scope key belongs to, for a run split into `count` shards. */
function shardOf(scope: string, count: number): number {
  requireCount(count);
  return count === 1 ? 0 : jumpHash(fnv1a64(scope), count);
}

/** Shards needed for `scopes` scopes under a policy. */
function shardCount(scopes: number, policy: FanoutPolicy): number {
  if (scopes <= policy.scopesPerShard) return 1;
  return Math.min(MAX_SHARDS, Math.ceil(scopes / policy.scopesPerShard));
}

/** Groups scope keys by shard; every key lands in exactly one group. */
function assignShards(scopes: readonly string[], count: number): string[][] {
  requireCount(count);
  const groups: string[][] = Array.from({ length: count }, () => []);
  for (const s of scopes) groups[shardOf(s, count)]?.push(s);
  return groups;
}

function fanoutPolicy(source: SourceName): FanoutPolicy {
  return FANOUT_POLICIES[source];
}

/**
 * The shard events a planner sends for one run: the head of each lane. `runNumber` rotates the
 * order (e.g. the number of schedule intervals since the epoch).
 */
function laneHeads(
  source: SourceName,
  count: number,
  policy: FanoutPolicy,
  runNumber: number,
  notAfter: Date,
  runId?: string,
): ShardEvent[] {
  requireCount(count);
  const lanes = Math.max(1, Math.min(policy.maxLanes, count));
  const offset = ((Math.floor(runNumber) % count) + count) % count;
  const plan: ShardPlan = {
    lanes,
    offset,
    notAfter: notAfter.toISOString(),
    ...(runId !== undefined ? { runId } : {}),
  };
  return Array.from({ length: lanes }, (_, position) => ({
    source,
    shard: { index: (offset + position) % count, count },
    plan,
  }));
}

/** The shard that follows `event` in its lane, or undefined at the end of the lane. */
function nextInLane(event: ShardEvent): ShardEvent | undefined {
  const { index, count } = event.shard;
  const { lanes, offset } = event.plan;
  const position = (index - offset + count) % count;
  const next = position + lanes;
  if (next >= count) return undefined;
  return { ...event, shard: { index: (offset + next) % count, count } };
}

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** Validates the shard part of a collect event; ValidationError names the bad field. */
function parseShard(raw: unknown, plan: unknown): { shard: ShardRef; plan: ShardPlan } {
  const s = raw as Partial<ShardRef> | null;
  if (!s || typeof s !== 'object') {
    throw new ValidationError('Collect event "shard" must be an object {index, count}');
  }
  if (!isInt(s.count, 1, MAX_SHARDS)) {
    throw new ValidationError(
      `Collect event "shard.count" must be an integer from 1 to ${MAX_SHARDS}`,
    );
  }
  if (!isInt(s.index, 0, s.count - 1)) {
    throw new ValidationError(
      `Collect event "shard.index" must be an integer from 0 to ${s.count - 1} (shard.count - 1)`,
    );
  }
  const p = plan as Partial<ShardPlan> | null;
  if (!p || typeof p !== 'object') {
    throw new ValidationError('Collect event with "shard" needs "plan" {lanes, offset, notAfter}');
  }
  if (!isInt(p.lanes, 1, s.count)) {
    throw new ValidationError(`Collect event "plan.lanes" must be an integer from 1 to ${s.count}`);
  }
  if (!isInt(p.offset, 0, s.count - 1)) {
    throw new ValidationError(
      `Collect event "plan.offset" must be an integer from 0 to ${s.count - 1}`,
    );
  }
  if (typeof p.notAfter !== 'string' || Number.isNaN(Date.parse(p.notAfter))) {
    throw new ValidationError('Collect event "plan.notAfter" must be an ISO-8601 time');
  }
  if (p.runId !== undefined && (typeof p.runId !== 'string' || !RUN_ID_PATTERN.test(p.runId))) {
    throw new ValidationError(
      'Collect event "plan.runId" must be a run id "<ISO-8601 UTC with ms>~<12 hex digits>"',
    );
  }
  return {
    shard: { index: s.index, count: s.count },
    plan: {
      lanes: p.lanes,
      offset: p.offset,
      notAfter: p.notAfter,
      ...(p.runId !== undefined ? { runId: p.runId } : {}),
    },
  };
}

export {
  assignShards,
  checkShard,
  FANOUT_POLICIES,
  fanoutPolicy,
  laneHeads,
  MAX_SHARDS,
  newRunId,
  nextInLane,
  parseShard,
  RUN_ID_PATTERN,
  shardCount,
  shardOf,
};
