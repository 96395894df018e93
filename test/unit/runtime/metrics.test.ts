import { afterEach, describe, expect, it, vi } from 'vitest';
import { countMetric, metrics, metricsMiddleware } from '../../../lib/runtime/metrics.ts';

describe('metrics', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    metrics.clearMetrics();
  });

  it('records counts as EMF in Lambda', () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'pantau-score');
    countMetric('MentionsScored', 3);
    countMetric('MentionsScored', 2);
    countMetric('SourceErrors', 0);
    const emf = metrics.serializeMetrics() as unknown as Record<string, unknown>;
    // EMF keeps each value of the invocation; CloudWatch sums them.
    expect(emf.MentionsScored).toEqual([3, 2]);
    expect(emf.SourceErrors).toBeUndefined();
    expect(metricsMiddleware()).toHaveLength(1);
  });

  it('records nothing and adds no middleware outside Lambda', () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', '');
    countMetric('MentionsScored', 3);
    expect(metrics.hasStoredMetrics()).toBe(false);
    expect(metricsMiddleware()).toEqual([]);
  });
});
