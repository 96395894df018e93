/**
 * Dead-letter queues: encrypted, TLS-only, kept for the longest SQS allows so a failed record
 * waits for a human instead of expiring over a long weekend.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config.ts';

function secureQueue(scope: Construct, id: string, config: DeploymentConfig): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  const reason =
    'This queue is itself a dead-letter queue (terminal); an alarm fires when it holds any message and an operator redrives or inspects it.';
  Validations.of(queue).acknowledge(
    { id: 'AwsSolutions-SQS3', reason },
    { id: 'Serverless-SQSRedrivePolicy', reason },
  );
  return queue;
}

export { secureQueue };
