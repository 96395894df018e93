/**
 * What one collect invocation does with its event (lib/pipeline/collect-fanout.ts has the why):
 *
 * - a planner event `{source}` (the schedule) lists the source's scopes; when one shard's worth or
 *   fewer, it collects them itself, otherwise it starts the head shard of each lane asynchronously
 *   and returns at once;
 * - a shard event `{source, shard, plan}` collects that shard's scopes, then starts the next shard
 *   of its lane, unless the source stopped (rate limit, quota, auth, another shard's backoff) or the
 *   run's time is up (the next scheduled run takes over).
 *
 * Invokers: Lambda's asynchronous Invoke of the function itself in AWS (so Lambda's async retries
 * and on-failure destination cover every shard), an in-process runner locally.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { errorMessage, SourceError } from '../domain/errors.ts';
import type { SourceName } from '../domain/types.ts';
import type { Log } from '../runtime/log.ts';
import type { CollectReport, CollectUseCase } from './collect.ts';
import {
  type FanoutPolicy,
  fanoutPolicy,
  laneHeads,
  newRunId,
  nextInLane,
  type ShardEvent,
  shardCount,
} from './collect-fanout.ts';

export interface ShardInvoker {
  /** Starts a shard without waiting for it (Lambda InvocationType Event); resolves once queued. */
  invoke(event: ShardEvent): Promise<void>;
}

export interface PlannerEvent {
  source: SourceName;
}

export type DispatchEvent = PlannerEvent | ShardEvent;

/** A planner that fanned out: which shards it started. */
export interface FanoutReport {
  source: SourceName;
  scopes: number;
  shards: number;
  lanes: number;
  /** Shard indexes whose invocation was queued. */
  invoked: number[];
  /** Shard indexes whose invocation failed (their lanes wait for the next run). */
  failed: { index: number; error: string }[];
}

export type DispatchOutcome =
  | { kind: 'run'; report: CollectReport; next?: ShardEvent }
  | { kind: 'fanout'; fanout: FanoutReport };

export interface DispatchDeps {
  useCase: CollectUseCase;
  invoker: ShardInvoker;
  log: Log;
  /** The source's schedule interval: a run does not start shards after one interval. */
  intervalMs: number;
  policy?: (source: SourceName) => FanoutPolicy;
  now?: () => Date;
}

export interface DispatchOptions {
  deadline: number;
  signal?: AbortSignal;
}

/** Report outcomes after which the shards of this run stop: the credential is not usable now. */
const SOURCE_STOPS = new Set(['rate-limited', 'quota-exhausted', 'auth-failed', 'backoff']);

function createCollectDispatcher(deps: DispatchDeps) {
  const now = deps.now ?? (() => new Date());
  const policyOf = deps.policy ?? fanoutPolicy;

  async function plan(event: PlannerEvent, opts: DispatchOptions): Promise<DispatchOutcome> {
    const { source } = event;
    const planned = await deps.useCase.plan(source);
    const policy = policyOf(source);
    const count = planned.backoff ? 1 : shardCount(planned.scopes.length, policy);
    if (count === 1) {
      // Few scopes, or a source that is backing off (the run records and returns at once).
      const report = await deps.useCase.run(source, opts);
      return { kind: 'run', report };
    }
    const at = now();
    const heads = laneHeads(
      source,
      count,
      policy,
      Math.floor(at.getTime() / deps.intervalMs),
      new Date(at.getTime() + deps.intervalMs),
      // Every shard of this run reports its counts under one id, so the status sums them.
      newRunId(),
    );
    const fanout: FanoutReport = {
      source,
      scopes: planned.scopes.length,
      shards: count,
      lanes: heads.length,
      invoked: [],
      failed: [],
    };
    // Each head is started once: a failed one is recorded, not retried by rethrowing, because a
    // retried planner would start the lanes that did start a second time, concurrently.
    const results = await Promise.allSettled(heads.map((h) => deps.invoker.invoke(h)));
    for (const [i, r] of results.entries()) {
      const index = (heads[i] as ShardEvent).shard.index;
      if (r.status === 'fulfilled') fanout.invoked.push(index);
      else fanout.failed.push({ index, error: errorMessage(r.reason) });
    }
    if (fanout.failed.length > 0) {
      deps.log.error('Collect planner: shard invocation failed', { source, failed: fanout.failed });
    }
    if (fanout.invoked.length === 0) {
      // Nothing started, so a retry of the planner is safe and is what should happen.
      throw new SourceError(
        source,
        'fanout_failed',
        `No shard of ${source} could be started: ${fanout.failed[0]?.error ?? 'no lanes'}`,
      );
    }
    deps.log.info('Collect planner: shards started', {
      source,
      scopes: fanout.scopes,
      shards: count,
      lanes: fanout.lanes,
    });
    return { kind: 'fanout', fanout };
  }

  async function shard(event: ShardEvent, opts: DispatchOptions): Promise<DispatchOutcome> {
    // An event without a run id (queued before run ids existed) counts as a run of its own.
    const report = await deps.useCase.run(event.source, {
      ...opts,
      shard: event.shard,
      ...(event.plan.runId !== undefined ? { runId: event.plan.runId } : {}),
    });
    const next = nextInLane(event);
    if (!next) return { kind: 'run', report };
    if (report.stoppedBy && SOURCE_STOPS.has(report.stoppedBy)) {
      deps.log.info('Collect shard: lane stops with the source', {
        source: event.source,
        shard: event.shard,
        stoppedBy: report.stoppedBy,
      });
      return { kind: 'run', report };
    }
    if (now().getTime() >= Date.parse(event.plan.notAfter)) {
      deps.log.info('Collect shard: lane superseded by the next run', {
        source: event.source,
        shard: event.shard,
      });
      return { kind: 'run', report };
    }
    // Thrown on failure: Lambda retries this shard (idempotent), then parks it on the DLQ.
    await deps.invoker.invoke(next);
    return { kind: 'run', report, next };
  }

  return {
    dispatch(event: DispatchEvent, opts: DispatchOptions): Promise<DispatchOutcome> {
      return 'shard' in event ? shard(event, opts) : plan(event, opts);
    },
  };
}

/**
 * Asynchronous invocation of the collect function itself. The client is built once per process by
 * the caller; the function's role may invoke only this function (infra/constructs/collectors.ts).
 */
function createLambdaShardInvoker(client: LambdaClient, functionName: string): ShardInvoker {
  return {
    async invoke(event) {
      const res = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
      if (res.StatusCode !== 202) {
        throw new SourceError(
          event.source,
          'fanout_failed',
          `Async invoke of ${functionName} answered ${String(res.StatusCode)}, expected 202`,
        );
      }
    },
  };
}

/**
 * Locally: runs each shard in this process, not awaited by the caller, like an async invoke.
 * `idle()` resolves once every started shard, and every shard those started, has finished.
 */
function createInProcessShardInvoker(
  run: (event: ShardEvent) => Promise<unknown>,
  log: Log,
): ShardInvoker & { idle(): Promise<void> } {
  const inFlight = new Set<Promise<void>>();
  return {
    async invoke(event) {
      const task = (async () => {
        try {
          await run(event);
        } catch (error) {
          // Lambda would retry and then park the event on the on-failure queue; locally it is logged.
          log.error('Local collect shard failed', {
            source: event.source,
            shard: event.shard,
            error: errorMessage(error),
          });
        }
      })();
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

export { createCollectDispatcher, createInProcessShardInvoker, createLambdaShardInvoker };
