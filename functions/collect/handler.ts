/**
 * collect-<source>: started by EventBridge Scheduler with `{"source":"<name>"}`. With few scopes it
 * runs one collection of that source over every active issue; with many it starts shards of this
 * same function asynchronously (`{"source", "shard", "plan"}`), each bounded in time, and returns
 * (lib/pipeline/collect-dispatch.ts). Every run checkpoints before the Lambda's time budget runs
 * out. A failing feed, issue or source is recorded in the source status, never thrown past the
 * run: the next schedule picks up from the stored cursors.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { LambdaClient } from '@aws-sdk/client-lambda';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ConfigError, ValidationError } from '../../lib/domain/errors.ts';
import type { SourceAdapter } from '../../lib/domain/ports.ts';
import { SOURCE_NAMES, type SourceName } from '../../lib/domain/types.ts';
import {
  type CollectReport,
  type CollectUseCase,
  createCollectUseCase,
} from '../../lib/pipeline/collect.ts';
import {
  createCollectDispatcher,
  createLambdaShardInvoker,
  type FanoutReport,
  type ShardInvoker,
} from '../../lib/pipeline/collect-dispatch.ts';
import { parseShard, type ShardEvent } from '../../lib/pipeline/collect-fanout.ts';
import { loadContainer } from '../../lib/runtime/container.ts';
import { type Log, lambdaLogger } from '../../lib/runtime/log.ts';
import { countMetric, metricsMiddleware } from '../../lib/runtime/metrics.ts';
import { SDK_REQUEST_TIMEOUTS } from '../../lib/runtime/sdk-timeouts.ts';
import { traceAwsClient, tracingMiddleware } from '../../lib/runtime/tracing.ts';
import { createCursorSessionStore } from '../../lib/sources/bluesky.ts';
import { createCredentialStore } from '../../lib/sources/credentials.ts';
import { everyMinutesOf } from '../../lib/sources/liveness.ts';
import { createSourceAdapter } from '../../lib/sources/registry.ts';

/** From the schedule: plan the run (and run it here when it is small). */
export interface CollectPlannerEvent {
  source: SourceName;
  /** Demo source only: start a negative burst now (local demo and tests). */
  forceBurst?: boolean;
}

export type CollectEvent = CollectPlannerEvent | ShardEvent;

/** What an invocation returns: its own run's report, or the shards a planner started. */
export type CollectResult = CollectReport | FanoutReport;

export interface CollectHandlerDeps {
  /** Starts shards; default: asynchronous Lambda Invoke of this very function. */
  invoker?: ShardInvoker;
  /** The use case of a source; default: the container's repositories and the source's adapter. */
  useCaseFor?: (
    source: SourceName,
    forceBurst: boolean,
    schedule: CollectSchedule,
  ) => Promise<{ useCase: CollectUseCase; log: Log }>;
  /** The schedule interval of a source; default COLLECT_EVERY_MINUTES, else 5 minutes. */
  intervalMs?: (source: SourceName) => number;
  /**
   * The interval the run records with its status (whole minutes), or undefined for a source on
   * no schedule; default COLLECT_EVERY_MINUTES when set. Not the 5-minute fallback of
   * `intervalMs`: a guessed schedule would call a source overdue that was never scheduled.
   */
  expectedEveryMinutes?: (source: SourceName) => number | undefined;
}

/** What the run knows of its own schedule, recorded with the source status. */
export interface CollectSchedule {
  expectedEveryMinutes?: number;
}

/** Time kept back from the Lambda timeout so the run can store what it fetched and return. */
const SAFETY_MARGIN_MS = 20_000;
const DEFAULT_INTERVAL_MS = 5 * 60_000;

function parseEvent(event: unknown): CollectEvent {
  const e = event as Record<string, unknown> | null;
  const source = e?.source;
  if (typeof source !== 'string' || !SOURCE_NAMES.includes(source as SourceName)) {
    throw new ValidationError(`Collect event needs "source", one of ${SOURCE_NAMES.join(', ')}`);
  }
  if (e?.shard !== undefined || e?.plan !== undefined) {
    if (e?.forceBurst !== undefined) {
      throw new ValidationError(
        'Collect event "forceBurst" belongs to a planner event, not a shard',
      );
    }
    return { source: source as SourceName, ...parseShard(e?.shard, e?.plan) };
  }
  return { source: source as SourceName, forceBurst: e?.forceBurst === true };
}

/** The offline demo source is tuned by the local runtime (history to learn from, burst rate). */
function demoOptions(env: NodeJS.ProcessEnv) {
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  return {
    backfillMinutes: num(env.PANTAU_DEMO_BACKFILL_MINUTES),
    burstEveryMinutes: num(env.PANTAU_DEMO_BURST_EVERY_MINUTES),
    postsPerRun: num(env.PANTAU_DEMO_POSTS_PER_RUN),
  };
}

const adapters = new Map<SourceName, SourceAdapter>();

async function containerUseCase(
  source: SourceName,
  forceBurst: boolean,
  schedule: CollectSchedule,
) {
  const { repos, log } = await loadContainer(`collect-${source}`);
  let adapter = adapters.get(source);
  if (!adapter) {
    adapter = createSourceAdapter(source, {
      env: process.env,
      // SSM SecureString (or Secrets Manager) in AWS, env and .env locally; fetched when used.
      credentials: createCredentialStore({ env: process.env }),
      blueskySessions: createCursorSessionStore(repos.cursors),
      demo: demoOptions(process.env),
      log,
    });
    adapters.set(source, adapter);
  }
  if (forceBurst && 'forceBurst' in adapter && typeof adapter.forceBurst === 'function') {
    (adapter as SourceAdapter & { forceBurst(): void }).forceBurst();
  }
  const useCase = createCollectUseCase({
    repos,
    adapters: { [source]: adapter },
    log: (msg, fields) => log.info(msg, fields as Record<string, unknown>),
    expectedEveryMinutes: () => schedule.expectedEveryMinutes,
  });
  return { useCase, log };
}

let lambdaInvoker: ShardInvoker | undefined;

/** One Lambda client per process, created on the first fan-out. */
function defaultInvoker(): ShardInvoker {
  if (!lambdaInvoker) {
    const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME;
    if (!functionName) {
      throw new ConfigError(
        'Collect fan-out needs AWS_LAMBDA_FUNCTION_NAME (in Lambda) or an injected shard invoker',
      );
    }
    lambdaInvoker = createLambdaShardInvoker(
      traceAwsClient(new LambdaClient({ region: process.env.AWS_REGION, ...SDK_REQUEST_TIMEOUTS })),
      functionName,
    );
  }
  return lambdaInvoker;
}

function envIntervalMs(): number {
  const minutes = Number(process.env.COLLECT_EVERY_MINUTES);
  return Number.isFinite(minutes) && minutes > 0 ? minutes * 60_000 : DEFAULT_INTERVAL_MS;
}

/** COLLECT_EVERY_MINUTES as the status records it, when the deployment set it. */
function envEveryMinutes(): number | undefined {
  const minutes = Number(process.env.COLLECT_EVERY_MINUTES);
  return Number.isFinite(minutes) && minutes > 0 ? everyMinutesOf(minutes * 60_000) : undefined;
}

function buildCollectHandler(deps: CollectHandlerDeps = {}) {
  const useCaseFor = deps.useCaseFor ?? containerUseCase;
  const intervalMs = deps.intervalMs ?? envIntervalMs;
  const expectedEveryMinutes = deps.expectedEveryMinutes ?? envEveryMinutes;
  // Resolved when first needed, so a run that never fans out needs no Lambda client.
  const invoker: ShardInvoker = deps.invoker ?? { invoke: (e) => defaultInvoker().invoke(e) };

  return async function collect(event: unknown, context: Context): Promise<CollectResult> {
    const parsed = parseEvent(event);
    const { source } = parsed;
    const forceBurst = 'forceBurst' in parsed && parsed.forceBurst === true;
    const every = expectedEveryMinutes(source);
    const { useCase, log } = await useCaseFor(
      source,
      forceBurst,
      every !== undefined ? { expectedEveryMinutes: every } : {},
    );
    const dispatcher = createCollectDispatcher({
      useCase,
      invoker,
      log,
      intervalMs: intervalMs(source),
    });
    const outcome = await dispatcher.dispatch(parsed, {
      deadline: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
    });
    if (outcome.kind === 'fanout') {
      countMetric('SourceErrors', outcome.fanout.failed.length);
      return outcome.fanout;
    }
    const { report } = outcome;
    countMetric('MentionsCollected', report.written);
    countMetric('MentionDuplicates', report.duplicates);
    countMetric('SourceErrors', report.errors);
    log.info('Collection finished', {
      source,
      shard: report.shard,
      runId: report.status.runId,
      next: outcome.next?.shard,
      written: report.written,
      duplicates: report.duplicates,
      errors: report.errors,
      requests: report.requests,
      status: report.status.status,
      stoppedBy: report.stoppedBy,
    });
    return report;
  };
}

const handler = middy(buildCollectHandler())
  .use(injectLambdaContext(lambdaLogger, { resetKeys: true }))
  .use(metricsMiddleware())
  .use(tracingMiddleware());

export { buildCollectHandler, handler, parseEvent };
