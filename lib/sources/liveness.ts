/**
 * Liveness of a source, computed when its status is read: whether the collector has stopped
 * running (overdue) and whether a fanned-out run is still going. A status only changes when a run
 * writes it, so a collector that no longer runs at all (schedule deleted, a crash before the
 * status write, runs dropped by the scheduler) leaves a status that looks calm for ever; only the
 * time since `lastRunAt`, set against the schedule the run recorded, tells that apart.
 *
 * Overdue: `now` is more than `overdueToleranceMs(expectedEveryMinutes)` past the later of
 * `lastRunAt` and `until`. The tolerance is two schedule intervals plus the collector's maximum
 * run time (COLLECT_TIMEOUT_MS): the run two ticks after the last one may take the whole Lambda
 * timeout before it writes, so one dropped or slow run is never flagged, two dropped runs in a row
 * are. Exactly at the tolerance is not overdue yet. A stop (`until`, rate limit or quota) explains
 * the silence: the collector skips the source without writing until then, so the tolerance counts
 * from `until` when that is later. Never overdue when the interval is unknown (items stored before
 * the collector recorded it).
 *
 * Run state, for a run that records its planned shards: `complete` once every planned shard has
 * reported; otherwise `running` while a shard could still report, `incomplete` after. A fanned-out
 * run starts no shard later than one schedule interval after it started (its horizon, see
 * lib/pipeline/collect-dispatch.ts), and a shard runs at most COLLECT_TIMEOUT_MS, so the last
 * shard reports by run start + interval + timeout. The run starts when its id says
 * (`<ISO start>~<suffix>`); without an id or an interval the bound is one timeout after `lastRunAt`
 * (the last shard that reported started then). A shard that Lambda retries later than that may
 * still report and turn the run `complete`: `incomplete` describes the run at read time.
 */
import type {
  SourceLiveness,
  SourceRunState,
  SourceStatus,
  SourceStatusView,
} from '../domain/types.ts';

/**
 * The collector Lambda's timeout, the longest one run or shard can last. The CDK collectors
 * construct sets the function timeout from this constant, so the two cannot drift apart.
 */
const COLLECT_TIMEOUT_MS = 5 * 60_000;

const MINUTE_MS = 60_000;
const RUN_START = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)~/;

/** A schedule interval in ms as the whole minutes a status records: rounded up, at least 1. */
function everyMinutesOf(intervalMs: number): number {
  return Math.max(1, Math.ceil(intervalMs / MINUTE_MS));
}

/** How long past the last run (or the end of a stop) a source may stay silent. */
function overdueToleranceMs(everyMinutes: number): number {
  return 2 * everyMinutes * MINUTE_MS + COLLECT_TIMEOUT_MS;
}

/** A recorded interval that can be trusted: a positive whole number of minutes. */
function knownInterval(status: SourceStatus): number | undefined {
  const m = status.expectedEveryMinutes;
  return typeof m === 'number' && Number.isInteger(m) && m > 0 ? m : undefined;
}

function timeOf(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/** When the source became overdue, or undefined while it is not. */
function overdueSinceOf(status: SourceStatus, now: number): number | undefined {
  const every = knownInterval(status);
  const lastRun = timeOf(status.lastRunAt);
  if (every === undefined || lastRun === undefined) return undefined;
  const since = Math.max(lastRun, timeOf(status.until) ?? lastRun) + overdueToleranceMs(every);
  return now > since ? since : undefined;
}

function runStateOf(status: SourceStatus, now: number): SourceRunState | undefined {
  const { shards, shardsPlanned } = status;
  if (shardsPlanned === undefined) return undefined;
  if ((shards ?? 0) >= shardsPlanned) return 'complete';
  const lastRun = timeOf(status.lastRunAt);
  if (lastRun === undefined) return 'incomplete';
  let until = lastRun + COLLECT_TIMEOUT_MS;
  const every = knownInterval(status);
  const started = timeOf(RUN_START.exec(status.runId ?? '')?.[1]);
  if (every !== undefined && started !== undefined) {
    until = Math.max(until, started + every * MINUTE_MS + COLLECT_TIMEOUT_MS);
  }
  return now <= until ? 'running' : 'incomplete';
}

function livenessOf(status: SourceStatus, now: Date): SourceLiveness {
  const at = now.getTime();
  const since = overdueSinceOf(status, at);
  const run = runStateOf(status, at);
  return {
    overdue: since !== undefined,
    ...(since !== undefined ? { overdueSince: new Date(since).toISOString() } : {}),
    ...(run !== undefined ? { run } : {}),
  };
}

/** The stored status with its liveness at `now`, as the API answers it. */
function withLiveness(status: SourceStatus, now: Date): SourceStatusView {
  return { ...status, ...livenessOf(status, now) };
}

export { COLLECT_TIMEOUT_MS, everyMinutesOf, livenessOf, overdueToleranceMs, withLiveness };
