/**
 * Alarms and the one dashboard. Every alarm goes to the operations topic. Thresholds are "any"
 * for things that should never happen (a DLQ message, a dropped schedule, a failed SMS) and
 * explicit numbers where some noise is normal (stream lag, spend).
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DeploymentConfig } from '../config.ts';
import type { PantauFunction } from './pantau-function.ts';

interface OperationsProps {
  readonly config: DeploymentConfig;
  readonly operationsTopic: sns.ITopic;
  /** Every function; a scheduled one names its interval (`everyMinutes`) for its NotRunning alarm. */
  readonly functions: readonly {
    readonly name: string;
    readonly fn: PantauFunction;
    readonly everyMinutes?: number;
  }[];
  readonly streamConsumers: readonly { readonly name: string; readonly fn: PantauFunction }[];
  readonly deadLetterQueues: readonly { readonly name: string; readonly queue: sqs.IQueue }[];
  readonly scheduleGroupName: string;
  readonly alertTopic: sns.ITopic;
  readonly api: apigw.RestApi;
}

/** Stream records older than this mean the consumer is falling behind the collectors. */
const ITERATOR_AGE_ALARM = Duration.minutes(5);

/** Share of the SMS monthly spend limit at which operators are warned. */
const SMS_SPEND_ALARM_RATIO = 0.8;

/**
 * A collector is "not running" after this many schedule intervals without one invocation. One
 * period spans them, so a single dropped run (one invocation left in the period) never alarms,
 * while a deleted schedule or a scheduler that stopped delivering does, within two periods.
 */
const NOT_RUNNING_INTERVALS = 2;

/** Rate limiter failures in five minutes that mean the counter store is failing. */
const RATE_LIMITER_FAILURES_ALARM = 5;

/** CloudWatch evaluates an alarm over at most one day (period x evaluation periods). */
const MAX_ALARM_RANGE = Duration.days(1);

class Operations extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const { config } = props;
    const period = Duration.minutes(5);
    const action = new SnsAction(props.operationsTopic);
    const alarm = (
      alarmId: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
    ) => {
      const a = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
      return a;
    };

    for (const { name, fn, everyMinutes } of props.functions) {
      if (everyMinutes !== undefined) this.notRunningAlarm(name, fn, everyMinutes, action);
      alarm(
        `${name}-Errors`,
        fn.fn.metricErrors({ period, statistic: 'Sum' }),
        1,
        `${name}: invocation errors`,
      );
      alarm(
        `${name}-Throttles`,
        fn.fn.metricThrottles({ period, statistic: 'Sum' }),
        1,
        `${name}: throttled invocations`,
      );
    }
    for (const { name, fn } of props.streamConsumers) {
      alarm(
        `${name}-IteratorAge`,
        fn.fn.metric('IteratorAge', { period, statistic: 'Maximum' }),
        ITERATOR_AGE_ALARM.toMilliseconds(),
        `${name}: stream records wait more than ${ITERATOR_AGE_ALARM.toMinutes()} min`,
      );
    }
    for (const { name, queue } of props.deadLetterQueues) {
      alarm(
        `${name}-Depth`,
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        1,
        `${name}: a failed record is waiting in the dead-letter queue`,
      );
    }
    const schedulerMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Scheduler',
        metricName,
        dimensionsMap: { ScheduleGroup: props.scheduleGroupName },
        period,
        statistic: 'Sum',
      });
    alarm(
      'Scheduler-TargetErrors',
      schedulerMetric('TargetErrorCount'),
      1,
      'Scheduler could not invoke a collector',
    );
    alarm(
      'Scheduler-InvocationsDropped',
      schedulerMetric('InvocationDroppedCount'),
      1,
      'Scheduler dropped a collector run',
    );

    const topicName = props.alertTopic.topicName;
    alarm(
      'Alerts-NotificationsFailed',
      new cloudwatch.Metric({
        namespace: 'AWS/SNS',
        metricName: 'NumberOfNotificationsFailed',
        dimensionsMap: { TopicName: topicName },
        period,
        statistic: 'Sum',
      }),
      1,
      'An alert could not be delivered to an official (SMS or email)',
    );
    if (config.capabilities.sms) {
      alarm(
        'Sms-MonthlySpend',
        new cloudwatch.Metric({
          namespace: 'AWS/SNS',
          metricName: 'SMSMonthToDateSpentUSD',
          period,
          statistic: 'Maximum',
        }),
        config.smsMonthlySpendLimitUsd * SMS_SPEND_ALARM_RATIO,
        `SMS spend reached ${SMS_SPEND_ALARM_RATIO * 100} % of the ${config.smsMonthlySpendLimitUsd} USD monthly limit; past the limit SNS stops sending SMS`,
      );
    }
    // The limiter fails open: the API keeps answering, but without per-agency limits. A few
    // failures in five minutes are a store that is throttling or unreachable, not one blip.
    alarm(
      'Api-RateLimiterFailures',
      new cloudwatch.Metric({
        namespace: 'Pantau',
        metricName: 'RateLimiterFailures',
        dimensionsMap: { service: 'pantau' },
        period,
        statistic: 'Sum',
      }),
      RATE_LIMITER_FAILURES_ALARM,
      'API served requests without per-agency rate limits: the counter store is failing (fail-open)',
    );
    alarm(
      'Api-5xx',
      props.api.metricServerError({ period, statistic: 'Sum' }),
      5,
      'API returns server errors',
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `Pantau-${config.stage}-${config.region}`,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Function errors',
            width: 12,
            left: props.functions.map(({ name, fn }) =>
              fn.fn.metricErrors({ period, label: name }),
            ),
          }),
          new cloudwatch.GraphWidget({
            title: 'Function duration p95',
            width: 12,
            left: props.functions.map(({ name, fn }) =>
              fn.fn.metricDuration({ period, statistic: 'p95', label: name }),
            ),
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Stream iterator age (max)',
            width: 12,
            left: props.streamConsumers.map(({ name, fn }) =>
              fn.fn.metric('IteratorAge', { period, statistic: 'Maximum', label: name }),
            ),
          }),
          new cloudwatch.GraphWidget({
            title: 'Dead-letter queues',
            width: 12,
            left: props.deadLetterQueues.map(({ name, queue }) =>
              queue.metricApproximateNumberOfMessagesVisible({ period, label: name }),
            ),
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'API requests and errors',
            width: 12,
            left: [
              props.api.metricCount({ period }),
              props.api.metricClientError({ period }),
              props.api.metricServerError({ period }),
            ],
          }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 12, alarms: this.alarms }),
        ],
      ],
    });
  }

  /**
   * `<name>-NotRunning`: no invocation of the collector over NOT_RUNNING_INTERVALS of its
   * schedule. Lambda publishes no Invocations datapoint for a period without one, so missing data
   * is the very condition and counts as breaching. Errors and throttles have their own alarms; this
   * one sees what they cannot: a run that never starts.
   */
  private notRunningAlarm(
    name: string,
    fn: PantauFunction,
    everyMinutes: number,
    action: SnsAction,
  ): void {
    const period = Duration.minutes(NOT_RUNNING_INTERVALS * everyMinutes);
    if (period.toSeconds() > MAX_ALARM_RANGE.toSeconds()) {
      throw new Error(
        `${name}: a schedule of ${everyMinutes} min needs a ${period.toMinutes()}-min alarm period, longer than CloudWatch's one day`,
      );
    }
    const a = new cloudwatch.Alarm(this, `${name}-NotRunning`, {
      metric: fn.fn.metricInvocations({ period, statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `${name}: not invoked for ${period.toMinutes()} min (scheduled every ${everyMinutes} min); schedule deleted or disabled, or Scheduler not delivering`,
    });
    a.addAlarmAction(action);
    this.alarms.push(a);
  }
}

export type { OperationsProps };
export { ITERATOR_AGE_ALARM, NOT_RUNNING_INTERVALS, Operations, SMS_SPEND_ALARM_RATIO };
