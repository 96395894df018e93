/**
 * Where alerts and alarms go. The alert topic carries crisis alerts to officials (SMS and email
 * subscriptions are created at runtime by the API, routed by message-attribute filter policies);
 * the operations topic carries CloudWatch alarms to whoever runs the platform. Both are encrypted
 * with one customer key whose policy lets SNS and CloudWatch use it.
 *
 * SMS type, monthly spend limit and delivery-status logging are account-level SNS settings, not
 * properties of a topic, so a custom resource sets them with SNS SetSMSAttributes.
 */
import { Arn, ArnFormat, Aws, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AwsCustomResource,
  AwsCustomResourcePolicy,
  PhysicalResourceId,
} from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { DeploymentConfig } from '../config.ts';
import { nagArn } from './pantau-function.ts';

interface AlertingProps {
  readonly config: DeploymentConfig;
}

/** Share of the SMS delivery successes SNS logs; failures are always logged. */
const SMS_SUCCESS_SAMPLING_PERCENT = 100;

class Alerting extends Construct {
  readonly key: kms.Key;
  readonly alertTopic: sns.Topic;
  readonly operationsTopic: sns.Topic;
  /** Role SNS assumes to write SMS delivery status to CloudWatch Logs; absent without SMS. */
  readonly smsDeliveryStatusRole?: iam.Role;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    const { config } = props;
    this.key = new kms.Key(this, 'TopicKey', {
      description: `Pantau ${config.stage} SNS topic encryption (alerts and operations)`,
      enableKeyRotation: true,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // SNS re-encrypts for delivery and CloudWatch publishes alarm notifications: both must be
    // able to use the key, limited to this account's resources.
    for (const service of ['sns.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `Allow${service.split('.')[0]}`,
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      );
    }

    this.alertTopic = new sns.Topic(this, 'AlertTopic', {
      displayName: 'Pantau',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.operationsTopic = new sns.Topic(this, 'OperationsTopic', {
      displayName: `Pantau ${config.stage} operations`,
      masterKey: this.key,
      enforceSSL: true,
    });
    // CloudWatch alarms publish with the service principal, not a role.
    this.operationsTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.operationsTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );

    if (config.capabilities.sms) {
      this.smsDeliveryStatusRole = this.smsSettings(config);
    }
  }

  private smsSettings(config: DeploymentConfig): iam.Role {
    const stack = Stack.of(this);
    // SNS names its SMS delivery-status log groups sns/<region>/<account>/…
    const smsLogGroups = Arn.format(
      {
        service: 'logs',
        resource: 'log-group',
        resourceName: `sns/${stack.region}/${stack.account}/*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      stack,
    );
    const role = new iam.Role(this, 'SmsDeliveryStatusRole', {
      description: 'Lets SNS write SMS delivery status to CloudWatch Logs',
      assumedBy: new iam.ServicePrincipal('sns.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'logs:PutMetricFilter',
          'logs:PutRetentionPolicy',
        ],
        resources: [smsLogGroups, `${smsLogGroups}:log-stream:*`],
      }),
    );
    Validations.of(role).acknowledge(
      {
        id: nagArn(
          this,
          'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:{region}:{account}:log-group:sns/{region}/{account}/*]',
        ),
        reason:
          'SNS chooses the SMS delivery-status log group names (sns/<region>/<account>/DirectPublishToPhoneNumber[/Failure]); the grant is limited to that SNS-owned prefix.',
      },
      {
        id: nagArn(
          this,
          'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:{region}:{account}:log-group:sns/{region}/{account}/*:log-stream:*]',
        ),
        reason:
          'SNS creates the log streams inside its SMS delivery-status log groups; the grant is limited to that SNS-owned prefix.',
      },
    );

    const attributes = {
      DefaultSMSType: 'Transactional',
      MonthlySpendLimit: String(config.smsMonthlySpendLimitUsd),
      DeliveryStatusIAMRole: role.roleArn,
      DeliveryStatusSuccessSamplingRate: String(SMS_SUCCESS_SAMPLING_PERCENT),
    };
    const call = {
      service: 'SNS',
      action: 'setSMSAttributes',
      parameters: { attributes },
      physicalResourceId: PhysicalResourceId.of(`pantau-sms-settings-${stack.region}`),
    };
    const settings = new AwsCustomResource(this, 'SmsSettings', {
      onCreate: call,
      onUpdate: call,
      // Account-wide settings: deleting this stack must not reset what other workloads rely on.
      installLatestAwsSdk: false,
      policy: AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          // SetSMSAttributes has no resource-level permissions.
          actions: ['sns:SetSMSAttributes'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [role.roleArn],
        }),
      ]),
    });
    Validations.of(settings).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'sns:SetSMSAttributes is an account-level call without resource-level permissions; it is the only action granted on "*".',
    });
    return role;
  }
}

export type { AlertingProps };
export { Alerting, SMS_SUCCESS_SAMPLING_PERCENT };
