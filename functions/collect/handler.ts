/**
 * collect-<source>: started by EventBridge Scheduler with `{"source":"<name>"}`; runs one
 * collection of that source over every active issue and checkpoints before the Lambda's time
 * budget runs out. A failing feed, issue or source is recorded in the source status, never thrown
 * past the run: the next schedule picks up from the stored cursors.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ValidationError } from '../../lib/domain/errors.ts';
import type { SourceAdapter } from '../../lib/domain/ports.ts';
import { SOURCE_NAMES, type SourceName } from '../../lib/domain/types.ts';
import { type CollectReport, createCollectUseCase } from '../../lib/pipeline/collect.ts';
import { loadContainer } from '../../lib/runtime/container.ts';
import { lambdaLogger } from '../../lib/runtime/log.ts';
import { countMetric, metricsMiddleware } from '../../lib/runtime/metrics.ts';
import { createCursorSessionStore } from '../../lib/sources/bluesky.ts';
import { createCredentialStore } from '../../lib/sources/credentials.ts';
import { createSourceAdapter } from '../../lib/sources/registry.ts';

export interface CollectEvent {
  source: SourceName;
  /** Demo source only: start a negative burst now (local demo and tests). */
  forceBurst?: boolean;
}

/** Time kept back from the Lambda timeout so the run can store what it fetched and return. */
const SAFETY_MARGIN_MS = 20_000;

function parseEvent(event: unknown): CollectEvent {
  const source = (event as { source?: unknown } | null)?.source;
  if (typeof source !== 'string' || !SOURCE_NAMES.includes(source as SourceName)) {
    throw new ValidationError(`Collect event needs "source", one of ${SOURCE_NAMES.join(', ')}`);
  }
  return { source: source as SourceName, forceBurst: (event as CollectEvent).forceBurst === true };
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

async function collect(event: unknown, context: Context): Promise<CollectReport> {
  const { source, forceBurst } = parseEvent(event);
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
  });
  const report = await useCase.run(source, {
    deadline: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
  });
  countMetric('MentionsCollected', report.written);
  countMetric('MentionDuplicates', report.duplicates);
  countMetric('SourceErrors', report.errors);
  log.info('Collection finished', {
    source,
    written: report.written,
    duplicates: report.duplicates,
    errors: report.errors,
    requests: report.requests,
    status: report.status.status,
    stoppedBy: report.stoppedBy,
  });
  return report;
}

const handler = middy(collect)
  .use(injectLambdaContext(lambdaLogger, { resetKeys: true }))
  .use(metricsMiddleware());

export { handler, parseEvent };
