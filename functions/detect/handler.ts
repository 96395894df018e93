/**
 * detect: DynamoDB stream (INSERT/MODIFY of 5-minute buckets) → crisis detector per issue → alert
 * items and one notification per (issue, episode, level). Issues are isolated: one failing issue
 * fails only its own records.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createOutboxPublisher, createSnsPublisher } from '../../lib/alerts/index.ts';
import type { AlertPublisher } from '../../lib/domain/ports.ts';
import { bucketChangeFromImage } from '../../lib/pipeline/bucket-change.ts';
import { createDetectUseCase } from '../../lib/pipeline/detect.ts';
import type { RuntimeConfig } from '../../lib/runtime/config.ts';
import { type Container, loadContainer } from '../../lib/runtime/container.ts';
import { type Log, lambdaLogger } from '../../lib/runtime/log.ts';
import { countMetric, metricsMiddleware } from '../../lib/runtime/metrics.ts';
import { SDK_REQUEST_TIMEOUTS } from '../../lib/runtime/sdk-timeouts.ts';
import { newImage, processGroupedBatch } from '../../lib/runtime/stream-batch.ts';
import { traceAwsClient, tracingMiddleware } from '../../lib/runtime/tracing.ts';

type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
type BucketChange = { tenantId: string; issueId: string; start: string };

function buildDetectHandler(deps: {
  onBucketsChanged: (changes: BucketChange[]) => Promise<void>;
  log: Log;
}): StreamHandler {
  return (event) =>
    processGroupedBatch(event, {
      parse: (record) => bucketChangeFromImage(newImage(record)),
      groupKey: (change) => change.issueId,
      work: (changes) => deps.onBucketsChanged(changes),
      log: deps.log,
    });
}

function createPublisher(config: RuntimeConfig, container: Container): AlertPublisher {
  if (config.alertTopicArn) {
    return createSnsPublisher({
      sns: traceAwsClient(new SNSClient({ region: config.region, ...SDK_REQUEST_TIMEOUTS })),
      topicArn: config.alertTopicArn,
      baseUrl: config.publicBaseUrl,
    });
  }
  if (!config.outboxFile) {
    throw new Error('Either ALERT_TOPIC_ARN (AWS) or PANTAU_OUTBOX_FILE (local) must be set');
  }
  return createOutboxPublisher({
    file: config.outboxFile,
    subscribers: container.repos.subscribers,
    console: true,
    baseUrl: config.publicBaseUrl,
  });
}

function countingPublisher(inner: AlertPublisher): AlertPublisher {
  return {
    async publish(alert) {
      try {
        const out = await inner.publish(alert);
        countMetric('AlertsSent', 1);
        return out;
      } catch (err) {
        countMetric('AlertPublishFailures', 1);
        throw err;
      }
    },
  };
}

let ready: Promise<StreamHandler> | undefined;

async function init(): Promise<StreamHandler> {
  const container = await loadContainer('detect');
  const publisher = countingPublisher(createPublisher(container.config, container));
  const detect = createDetectUseCase({ repos: container.repos, publisher, log: container.log });
  return buildDetectHandler({ onBucketsChanged: detect.onBucketsChanged, log: container.log });
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

export { buildDetectHandler, handler };
