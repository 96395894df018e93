/**
 * CloudWatch metrics (Powertools, embedded metric format) for the figures operations watch:
 * mentions collected and scored, source errors, alerts sent. In Lambda the middy middleware
 * flushes them once per invocation; elsewhere (the local runtime, tests) recording is a no-op so
 * EMF lines never clutter a terminal.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';

const inLambda = (): boolean => Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);

const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Pantau',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'pantau',
});

type MetricName =
  | 'MentionsCollected'
  | 'MentionDuplicates'
  | 'SourceErrors'
  | 'MentionsScored'
  | 'PoisonRecords'
  | 'AlertsSent'
  | 'AlertPublishFailures'
  /** The API ran a request without its per-agency limits (counter store failed; fail-open). */
  | 'RateLimiterFailures';

function countMetric(name: MetricName, value: number): void {
  if (!inLambda() || value <= 0) return;
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** The middy middleware that publishes the invocation's metrics; none outside Lambda. */
function metricsMiddleware(): MiddlewareObj[] {
  return inLambda() ? [logMetrics(metrics, { captureColdStartMetric: true })] : [];
}

export type { MetricName };
export { countMetric, metrics, metricsMiddleware };
