/**
 * The two consumers of the table stream (a DynamoDB stream serves two Lambda consumers per shard
 * without throttling: keep it to two). Each filters at the event source with the same filter
 * object the local stream poller uses, reports partial batch failures, bisects a failing batch to
 * isolate the poison record, and parks it in an encrypted DLQ after bounded retries.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DETECT_FILTER, SCORE_FILTER } from '../../lib/storage/table-definition.ts';
import type { DeploymentConfig } from '../config.ts';
import { PantauFunction } from './pantau-function.ts';
import { secureQueue } from './queues.ts';

interface StreamProcessorsProps {
  readonly config: DeploymentConfig;
  readonly scoreEntry: string;
  readonly detectEntry: string;
  readonly table: ITable;
  readonly alertTopic: ITopic;
  readonly sharedEnvironment: Readonly<Record<string, string>>;
}

/** Failure settings both consumers share. */
const STREAM_RETRY_ATTEMPTS = 5;
const STREAM_MAX_RECORD_AGE = Duration.hours(6);

const STREAM_FAILURE_PATH =
  "Invoked by a DynamoDB stream event source mapping: failed records are retried, bisected, then sent to the mapping's on-failure SQS DLQ (alarmed); DeadLetterConfig does not apply to stream invocations.";

class StreamProcessors extends Construct {
  readonly score: PantauFunction;
  readonly detect: PantauFunction;
  readonly scoreDlq: sqs.Queue;
  readonly detectDlq: sqs.Queue;

  constructor(scope: Construct, id: string, props: StreamProcessorsProps) {
    super(scope, id);
    const { config, table } = props;

    this.score = new PantauFunction(this, 'score', {
      entry: props.scoreEntry,
      description: `Pantau ${config.stage}: language and sentiment of new mentions`,
      config,
      failurePath: STREAM_FAILURE_PATH,
      // The built-in sentiment model loads at init; more memory also means more CPU for it.
      memorySize: 1024,
      timeout: Duration.seconds(60),
      environment: {
        ...props.sharedEnvironment,
        SENTIMENT_COMPREHEND_ENABLED: String(config.comprehendEnabled),
      },
      unscopedActions: config.comprehendEnabled
        ? {
            actions: ['comprehend:BatchDetectSentiment', 'comprehend:DetectSentiment'],
            reason:
              'Comprehend real-time detection actions support no resource-level permissions (the service authorization reference lists no resource type for them).',
          }
        : undefined,
    });
    this.score.bindTable(table, 'readWrite');
    this.scoreDlq = secureQueue(this, 'ScoreDlq', config);
    this.score.fn.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        ...failureSettings(this.scoreDlq),
        filters: [lambda.FilterCriteria.filter(SCORE_FILTER)],
      }),
    );

    this.detect = new PantauFunction(this, 'detect', {
      entry: props.detectEntry,
      description: `Pantau ${config.stage}: crisis detection on bucket updates`,
      config,
      failurePath: STREAM_FAILURE_PATH,
      timeout: Duration.seconds(60),
      // PUBLIC_BASE_URL is set by the stack: it is the dashboard's URL unless configured.
      environment: { ...props.sharedEnvironment },
    });
    this.detect.bindTable(table, 'readWrite');
    this.detect.bindTopicPublish(props.alertTopic, 'ALERT_TOPIC_ARN');
    this.detectDlq = secureQueue(this, 'DetectDlq', config);
    this.detect.fn.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(2),
        ...failureSettings(this.detectDlq),
        filters: [lambda.FilterCriteria.filter(DETECT_FILTER)],
      }),
    );
  }
}

function failureSettings(dlq: sqs.IQueue) {
  return {
    reportBatchItemFailures: true,
    bisectBatchOnError: true,
    retryAttempts: STREAM_RETRY_ATTEMPTS,
    maxRecordAge: STREAM_MAX_RECORD_AGE,
    // One batch per shard at a time keeps per-issue updates in stream order.
    parallelizationFactor: 1,
    onFailure: new SqsDlq(dlq),
  };
}

export type { StreamProcessorsProps };
export { STREAM_MAX_RECORD_AGE, STREAM_RETRY_ATTEMPTS, StreamProcessors };
