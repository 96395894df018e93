/**
 * score: DynamoDB stream (INSERT of mentions) → language + sentiment → score and bucket counts
 * written back. Thin: parsing, scoring and storage live in lib/.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { ComprehendClient } from '@aws-sdk/client-comprehend';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { Mention } from '../../lib/domain/types.ts';
import { createScoreUseCase, mentionFromImage } from '../../lib/pipeline/score.ts';
import { loadContainer } from '../../lib/runtime/container.ts';
import { type Log, lambdaLogger } from '../../lib/runtime/log.ts';
import { countMetric, metricsMiddleware } from '../../lib/runtime/metrics.ts';
import { SDK_REQUEST_TIMEOUTS } from '../../lib/runtime/sdk-timeouts.ts';
import { newImage, processGroupedBatch } from '../../lib/runtime/stream-batch.ts';
import { traceAwsClient, tracingMiddleware } from '../../lib/runtime/tracing.ts';
import { comprehendAvailableIn, createSentimentAnalyzer } from '../../lib/sentiment/index.ts';

type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

function buildScoreHandler(deps: {
  scoreMentions: (mentions: Mention[]) => Promise<{ applied: number; alreadyScored: number }>;
  log: Log;
}): StreamHandler {
  return (event) =>
    processGroupedBatch(event, {
      parse: (record) => mentionFromImage(newImage(record)),
      // One group: the whole batch is scored with one model call and one write per bucket.
      groupKey: () => 'batch',
      work: async (mentions) => {
        const result = await deps.scoreMentions(mentions);
        countMetric('MentionsScored', result.applied);
        deps.log.info('Scored mentions', { ...result, records: mentions.length });
      },
      log: deps.log,
    });
}

let ready: Promise<StreamHandler> | undefined;

async function init(): Promise<StreamHandler> {
  const { config, repos, log } = await loadContainer('score');
  const comprehendOn = config.comprehendEnabled && comprehendAvailableIn(config.region);
  const analyzer = createSentimentAnalyzer({
    region: config.region,
    comprehendEnabled: config.comprehendEnabled,
    // Built here rather than in the router only so that it is traced.
    comprehendClient: comprehendOn
      ? traceAwsClient(new ComprehendClient({ region: config.region, ...SDK_REQUEST_TIMEOUTS }))
      : undefined,
  });
  const { scoreMentions } = createScoreUseCase({ mentions: repos.mentions, analyzer });
  return buildScoreHandler({ scoreMentions, log });
}

const handler = middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  ready ??= init().catch((err: unknown) => {
    ready = undefined;
    throw err;
  });
  return (await ready)(event);
})
  .use(injectLambdaContext(lambdaLogger, { resetKeys: true }))
  .use(metricsMiddleware())
  .use(tracingMiddleware());

export { buildScoreHandler, handler };
