/**
 * Bucket counters start from one empty value everywhere (detector windows, backtest replay, the
 * trend route), so a counter added to BucketCounts cannot be forgotten in one of them.
 */
import type { BucketCounts } from './types.ts';

export function emptyCounts(): BucketCounts {
  return { total: 0, positive: 0, negative: 0, neutral: 0, mixed: 0, engagement: 0 };
}
