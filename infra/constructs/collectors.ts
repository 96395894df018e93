/**
 * One collector Lambda per source, all from the same entry, each on its own EventBridge
 * Scheduler schedule. Separate functions keep one slow or rate-limited source from eating the
 * others' time budget and give each source its own errors, logs and credentials grant.
 *
 * With many issues a scheduled run fans out into shards of the same function, started by the
 * function itself with an asynchronous Invoke (lib/pipeline/collect-dispatch.ts): each collector
 * may invoke itself and nothing else, and its async-invoke config (retry, max age, on-failure
 * queue) covers the shards exactly as it covers the scheduled run.
 */
import { Arn, ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SourceName } from '../../lib/domain/types.ts';
import { COLLECT_TIMEOUT_MS } from '../../lib/sources/liveness.ts';
import type { DeploymentConfig, SourceSchedule } from '../config.ts';
import { logicalIdOf, nagArn, PantauFunction } from './pantau-function.ts';
import { secureQueue } from './queues.ts';

interface CollectorsProps {
  readonly config: DeploymentConfig;
  readonly entry: string;
  readonly table: ITable;
  readonly sharedEnvironment: Readonly<Record<string, string>>;
}

interface Collector {
  readonly source: SourceName;
  readonly fn: PantauFunction;
  readonly schedule: scheduler.Schedule;
  readonly everyMinutes: number;
}

/**
 * The collector checkpoints its cursor before this deadline (see functions/collect). The API
 * reads the same constant to tell a fanned-out run still going from one that stopped, and to
 * allow a run its whole timeout before calling the source overdue (lib/sources/liveness.ts).
 */
const COLLECT_TIMEOUT = Duration.millis(COLLECT_TIMEOUT_MS);

/** Scheduler retries a failed invoke (throttle, service error) this many times. */
const SCHEDULER_RETRY_ATTEMPTS = 3;

/** Lambda's own async retries of a run that threw; collectors are idempotent, so one is safe. */
const ASYNC_RETRY_ATTEMPTS = 1;

class Collectors extends Construct {
  readonly collectors: readonly Collector[];
  readonly scheduleGroup: scheduler.ScheduleGroup;
  /** Invocations Scheduler could not deliver after its retries. */
  readonly schedulerDlq: sqs.Queue;
  /** Collector runs that failed after Lambda's async retries. */
  readonly failureDlq: sqs.Queue;

  constructor(scope: Construct, id: string, props: CollectorsProps) {
    super(scope, id);
    const { config } = props;
    const prefix = `/pantau/${config.stage}/sources`;
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'Group', {
      scheduleGroupName: `pantau-${config.stage}`,
    });
    this.schedulerDlq = secureQueue(this, 'SchedulerDlq', config);
    this.failureDlq = secureQueue(this, 'FailureDlq', config);

    this.collectors = config.schedules.map((s) => this.collector(s, props, prefix));
  }

  private collector(s: SourceSchedule, props: CollectorsProps, prefix: string): Collector {
    const { config } = props;
    const fn = new PantauFunction(this, `collect-${s.source}`, {
      entry: props.entry,
      description: `Pantau ${config.stage}: collect ${s.source} every ${s.everyMinutes} min`,
      config,
      failurePath:
        'Invoked asynchronously by EventBridge Scheduler; after Lambda async retries a failed run goes to the EventInvokeConfig on-failure destination (an SQS queue with an alarm), which keeps the error context a DeadLetterConfig would lose.',
      timeout: COLLECT_TIMEOUT,
      memorySize: 512,
      // A fanned-out lane is a chain of the function invoking itself, longer than the ~16 hops
      // after which loop detection would stop it. The chain is bounded in code instead: at most
      // MAX_SHARDS shards, and none starts after the run's horizon (one schedule interval).
      recursiveLoop: lambda.RecursiveLoop.ALLOW,
      environment: {
        ...props.sharedEnvironment,
        COLLECT_SOURCE: s.source,
        // A fanned-out run starts no shard after one interval: the next scheduled run takes over.
        COLLECT_EVERY_MINUTES: String(s.everyMinutes),
        SOURCE_PARAMETER_PREFIX: prefix,
      },
    });
    fn.bindTable(props.table, 'readWrite');
    this.grantSourceParameters(fn, `${prefix}/${s.source}`);
    this.grantSelfInvoke(fn, s.source);

    // A run older than one interval is superseded by the next scheduled run.
    const maxAge = Duration.minutes(Math.max(1, s.everyMinutes));
    fn.fn.configureAsyncInvoke({
      retryAttempts: ASYNC_RETRY_ATTEMPTS,
      maxEventAge: maxAge,
      onFailure: new SqsDestination(this.failureDlq),
    });

    // Own role per schedule, so its grant sits next to the function it may invoke.
    const role = new iam.Role(this, `schedule-${s.source}-role`, {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(fn.fn)}.Arn>:*]`,
      reason:
        'CDK grants invoke on the function and its qualified ARNs (<arn>:*, versions and aliases) of this one collector only.',
    });
    const schedule = new scheduler.Schedule(this, `schedule-${s.source}`, {
      scheduleGroup: this.scheduleGroup,
      description: `Collect ${s.source} every ${s.everyMinutes} min`,
      schedule: scheduler.ScheduleExpression.rate(
        s.everyMinutes % 60 === 0
          ? Duration.hours(s.everyMinutes / 60)
          : Duration.minutes(s.everyMinutes),
      ),
      target: new targets.LambdaInvoke(fn.fn, {
        input: scheduler.ScheduleTargetInput.fromObject({ source: s.source }),
        retryAttempts: SCHEDULER_RETRY_ATTEMPTS,
        maxEventAge: maxAge,
        deadLetterQueue: this.schedulerDlq,
        role,
      }),
    });
    return { source: s.source, fn, schedule, everyMinutes: s.everyMinutes };
  }

  /**
   * lambda:InvokeFunction on this function's own unqualified ARN only (shards are invoked by the
   * function name). A separate policy, not the role's default one: the function waits for its
   * default policy, so a default-policy statement naming the function would be a cycle.
   */
  private grantSelfInvoke(fn: PantauFunction, source: SourceName): void {
    const role = fn.fn.role;
    if (role === undefined) throw new Error('collector function has no role');
    new iam.Policy(this, `collect-${source}-self-invoke`, {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'InvokeOwnShards',
          actions: ['lambda:InvokeFunction'],
          resources: [fn.fn.functionArn],
        }),
      ],
    });
  }

  /**
   * Read access to one source's SecureString parameters and nothing else. The aws/ssm key is an
   * AWS-managed key whose ARN differs per account, so kms:Decrypt is pinned by conditions: only
   * through SSM, and only for parameters under this source's path.
   */
  private grantSourceParameters(fn: PantauFunction, path: string): void {
    const stack = Stack.of(this);
    const parameterArn = (name: string) =>
      Arn.format({ service: 'ssm', resource: 'parameter', resourceName: name.slice(1) }, stack);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadSourceParameters',
        actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
        resources: [parameterArn(path), parameterArn(`${path}/*`)],
      }),
    );
    const keyArns = Arn.format(
      {
        service: 'kms',
        resource: 'key',
        resourceName: '*',
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      },
      stack,
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DecryptSourceParameters',
        actions: ['kms:Decrypt'],
        resources: [keyArns],
        conditions: {
          StringEquals: { 'kms:ViaService': `ssm.${stack.region}.amazonaws.com` },
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/aws/ssm' },
          StringLike: { 'kms:EncryptionContext:PARAMETER_ARN': parameterArn(`${path}/*`) },
        },
      }),
    );
    const role = fn.fn.role;
    if (role === undefined) throw new Error('collector function has no role');
    Validations.of(role).acknowledge(
      {
        id: nagArn(
          this,
          `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:{region}:{account}:parameter${path}/*]`,
        ),
        reason: `Credentials are several SecureString parameters under this source's own path (${path}/…), read by path; no other source's parameters match.`,
      },
      {
        id: nagArn(
          this,
          'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:{region}:{account}:key/*]',
        ),
        reason:
          'The AWS-managed aws/ssm key has a per-account id unknown at synth; Decrypt is restricted by kms:ViaService=ssm, kms:ResourceAliases=alias/aws/ssm and the PARAMETER_ARN encryption context of this source path.',
      },
    );
  }
}

export type { Collector, CollectorsProps };
export { COLLECT_TIMEOUT, Collectors };
