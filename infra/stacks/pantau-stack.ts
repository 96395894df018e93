/**
 * One Pantau deployment in one region: composes the constructs, holds no resource logic itself.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FUNCTION_ENTRIES, type FunctionRole } from '../bundling.ts';
import type { DeploymentConfig } from '../config.ts';
import { AgencyApi } from '../constructs/agency-api.ts';
import { Alerting } from '../constructs/alerting.ts';
import { Collectors } from '../constructs/collectors.ts';
import { DashboardSite } from '../constructs/dashboard-site.ts';
import { DataTable } from '../constructs/data-table.ts';
import { Operations } from '../constructs/operations.ts';
import { StreamProcessors } from '../constructs/stream-processors.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface PantauStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** Handler files by role; defaults to the repository's functions/ entries. */
  readonly entries?: Partial<Record<FunctionRole, string>>;
}

/** Id of the singleton Lambda that backs every AwsCustomResource in a stack. */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

class PantauStack extends Stack {
  readonly table: DataTable;
  readonly alerting: Alerting;
  readonly collectors: Collectors;
  readonly streams: StreamProcessors;
  readonly agencyApi: AgencyApi;
  readonly dashboard: DashboardSite;
  /** Base of SMS/email links (`<publicBaseUrl>/a/<REF>`), without a trailing slash. */
  readonly publicBaseUrl: string;
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: PantauStackProps) {
    super(scope, id, props);
    const { config } = props;
    const entry = (role: FunctionRole) =>
      props.entries?.[role] ?? path.join(REPO_ROOT, FUNCTION_ENTRIES[role]);

    this.table = new DataTable(this, 'Data', { config });
    this.alerting = new Alerting(this, 'Alerting', { config });
    const table = this.table.table;
    // Every function gets these; secrets and topic ARNs are added only where granted.
    const sharedEnvironment = {};

    this.collectors = new Collectors(this, 'Collectors', {
      config,
      entry: entry('collect'),
      table,
      sharedEnvironment,
    });
    this.streams = new StreamProcessors(this, 'Streams', {
      config,
      scoreEntry: entry('score'),
      detectEntry: entry('detect'),
      table,
      alertTopic: this.alerting.alertTopic,
      sharedEnvironment,
    });
    this.agencyApi = new AgencyApi(this, 'Api', {
      config,
      entry: entry('api'),
      preTokenEntry: entry('preToken'),
      table,
      alertTopic: this.alerting.alertTopic,
      sharedEnvironment,
    });
    this.dashboard = new DashboardSite(this, 'Dashboard', {
      stage: config.stage,
      apiUrl: this.agencyApi.url,
      userPool: this.agencyApi.userPool,
      hostedUiBaseUrl: this.agencyApi.userPoolDomain.baseUrl(),
      retainData: config.retainData,
    });
    const dashboardOrigin = `https://${this.dashboard.distribution.distributionDomainName}`;
    // A configured origin is the custom domain officials open, so it comes first (see
    // allowBrowserOrigins); the distribution's own origin keeps working next to it.
    const browserOrigins =
      config.dashboardOrigin === undefined
        ? [dashboardOrigin]
        : [config.dashboardOrigin, dashboardOrigin];
    this.agencyApi.allowBrowserOrigins(browserOrigins);
    // Lambda proxy responses bypass API Gateway's CORS: the api function must echo an allowed
    // Origin itself, and only the stack knows the distribution's domain.
    this.agencyApi.fn.fn.addEnvironment('CORS_ALLOWED_ORIGINS', Fn.join(',', browserOrigins));
    this.publicBaseUrl = config.publicBaseUrl ?? dashboardOrigin;
    this.streams.detect.fn.addEnvironment('PUBLIC_BASE_URL', this.publicBaseUrl);
    this.agencyApi.fn.fn.addEnvironment('PUBLIC_BASE_URL', this.publicBaseUrl);

    // CURSOR_SECRET_ARN is shared configuration; only the api function may read the secret.
    const secretArn = this.agencyApi.cursorSecret.secretArn;
    for (const c of this.collectors.collectors)
      c.fn.fn.addEnvironment('CURSOR_SECRET_ARN', secretArn);
    this.streams.score.fn.addEnvironment('CURSOR_SECRET_ARN', secretArn);
    this.streams.detect.fn.addEnvironment('CURSOR_SECRET_ARN', secretArn);

    this.operations = new Operations(this, 'Operations', {
      config,
      operationsTopic: this.alerting.operationsTopic,
      functions: [
        ...this.collectors.collectors.map((c) => ({
          name: `collect-${c.source}`,
          fn: c.fn,
          everyMinutes: c.everyMinutes,
        })),
        { name: 'score', fn: this.streams.score },
        { name: 'detect', fn: this.streams.detect },
        { name: 'api', fn: this.agencyApi.fn },
        { name: 'pre-token', fn: this.agencyApi.preToken },
      ],
      streamConsumers: [
        { name: 'score', fn: this.streams.score },
        { name: 'detect', fn: this.streams.detect },
      ],
      deadLetterQueues: [
        { name: 'scheduler-dlq', queue: this.collectors.schedulerDlq },
        { name: 'collect-failure-dlq', queue: this.collectors.failureDlq },
        { name: 'score-dlq', queue: this.streams.scoreDlq },
        { name: 'detect-dlq', queue: this.streams.detectDlq },
      ],
      scheduleGroupName: this.collectors.scheduleGroup.scheduleGroupName,
      alertTopic: this.alerting.alertTopic,
      api: this.agencyApi.api,
    });

    this.acknowledgeCustomResourceProvider();

    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'ApiUrl', { value: this.agencyApi.api.url });
    new CfnOutput(this, 'DashboardUrl', {
      description: 'Officials open this (sign-in through the Cognito hosted UI)',
      value: this.dashboard.url,
    });
    new CfnOutput(this, 'DashboardClientId', { value: this.dashboard.client.userPoolClientId });
    new CfnOutput(this, 'HostedUiUrl', { value: this.agencyApi.userPoolDomain.baseUrl() });
    new CfnOutput(this, 'PublicBaseUrl', { value: this.publicBaseUrl });
    new CfnOutput(this, 'UserPoolId', { value: this.agencyApi.userPool.userPoolId });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alerting.alertTopic.topicArn });
    new CfnOutput(this, 'OperationsTopicArn', { value: this.alerting.operationsTopic.topicArn });
    new CfnOutput(this, 'SentimentEngine', {
      value: config.comprehendEnabled ? 'builtin+comprehend' : 'builtin',
    });
  }

  /** The AwsCustomResource provider is CDK's own singleton Lambda, created at stack level. */
  private acknowledgeCustomResourceProvider(): void {
    const provider = this.node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
    if (provider === undefined) return;
    const why =
      'CDK-managed AwsCustomResource provider that runs one SNS SetSMSAttributes call at deploy time';
    Validations.of(provider).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: `${why}; the managed policy only allows writing its own logs.`,
      },
      { id: 'AwsSolutions-L1', reason: `${why}; CDK chooses and upgrades its runtime.` },
      { id: 'Serverless-LambdaDefaultMemorySize', reason: `${why}; CDK sizes it.` },
      {
        id: 'Serverless-LambdaDLQ',
        reason: `${why}; invoked synchronously by CloudFormation, which reports a failure as a failed deployment.`,
      },
      {
        id: 'Serverless-LambdaTracing',
        reason: `${why}; one short API call per deployment, nothing to trace.`,
      },
    );
  }
}

export type { PantauStackProps };
export { PantauStack, REPO_ROOT };
