/**
 * The agency HTTPS API: API Gateway REST (v1, for WAF association, usage plans and Cognito
 * scopes) in front of one api Lambda (proxy integration). Agencies authenticate with OAuth
 * client credentials from a Cognito user pool; their app clients are created at runtime by the
 * API itself, so the function may manage clients of this pool only.
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { DeploymentConfig } from '../config.ts';
import { PantauFunction } from './pantau-function.ts';

interface AgencyApiProps {
  readonly config: DeploymentConfig;
  readonly entry: string;
  readonly table: ITable;
  readonly alertTopic: ITopic;
  readonly sharedEnvironment: Readonly<Record<string, string>>;
}

const RESOURCE_SERVER = 'pantau';
const SCOPES = ['read', 'write', 'admin'] as const;
type ScopeName = (typeof SCOPES)[number];
const scope = (name: ScopeName): string => `${RESOURCE_SERVER}/${name}`;

/** Reading needs read (or admin); changing anything needs write (or admin). */
const READ_METHODS = ['GET'] as const;
const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

class AgencyApi extends Construct {
  readonly api: apigw.RestApi;
  readonly fn: PantauFunction;
  readonly userPool: cognito.UserPool;
  readonly cursorSecret: secretsmanager.Secret;
  readonly webAcl: wafv2.CfnWebACL;
  readonly accessLogs: logs.LogGroup;

  constructor(scope_: Construct, id: string, props: AgencyApiProps) {
    super(scope_, id);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.userPool = this.buildUserPool(config, removalPolicy);

    this.cursorSecret = new secretsmanager.Secret(this, 'CursorSecret', {
      description: `Pantau ${config.stage}: HMAC key that signs API page cursors`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });
    Validations.of(this.cursorSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'HMAC key for opaque page cursors only (no credential to a system); rotating it just invalidates cursors in flight, so it is rotated manually by putting a new value (docs/deploy.md).',
    });

    this.fn = new PantauFunction(this, 'api', {
      entry: props.entry,
      description: `Pantau ${config.stage}: agency HTTPS API`,
      config,
      failurePath:
        'Invoked synchronously by API Gateway: a failure is returned to the calling agency as an HTTP error (and counted by the 5xx alarm); there is no event to park.',
      memorySize: 1024,
      // API Gateway gives up at 29 s; a longer Lambda would only burn money.
      timeout: Duration.seconds(29),
      environment: {
        ...props.sharedEnvironment,
        AUTH_MODE: 'cognito',
        USER_POOL_ID: this.userPool.userPoolId,
        PUBLIC_BASE_URL: config.publicBaseUrl,
        ALERT_TOPIC_ARN: props.alertTopic.topicArn,
      },
    });
    this.fn.bindTable(props.table, 'readWrite');
    this.fn.bindSecretRead(this.cursorSecret, 'CURSOR_SECRET_ARN');
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ManageAgencyClients',
        actions: [
          'cognito-idp:CreateUserPoolClient',
          'cognito-idp:DeleteUserPoolClient',
          'cognito-idp:DescribeUserPoolClient',
        ],
        resources: [this.userPool.userPoolArn],
      }),
    );
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ManageAlertSubscriptions',
        actions: ['sns:Subscribe', 'sns:Unsubscribe'],
        resources: [props.alertTopic.topicArn],
      }),
    );

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy,
    });
    this.api = this.buildApi(config);
    this.webAcl = this.buildWebAcl(config);
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }

  private buildUserPool(config: DeploymentConfig, removalPolicy: RemovalPolicy): cognito.UserPool {
    const pool = new cognito.UserPool(this, 'UserPool', {
      // Machine clients only: nobody signs up or signs in with a password.
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(1),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.NONE,
      deletionProtection: config.retainData,
      removalPolicy,
    });
    Validations.of(pool).acknowledge(
      {
        id: 'AwsSolutions-COG3',
        reason:
          'Only OAuth client-credentials app clients use this pool; threat protection (Plus plan) assesses user sign-ins, of which there are none.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'The Plus feature plan only adds threat protection for user sign-ins; this pool serves machine clients only (client credentials).',
      },
    );
    pool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER,
      userPoolResourceServerName: 'Pantau API',
      scopes: SCOPES.map(
        (s) => new cognito.ResourceServerScope({ scopeName: s, scopeDescription: `Pantau ${s}` }),
      ),
    });
    // The token endpoint for client credentials lives on the pool domain.
    pool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: `pantau-${config.stage}-${Aws.ACCOUNT_ID}` },
    });
    return pool;
  }

  private buildApi(config: DeploymentConfig): apigw.RestApi {
    const api = new apigw.RestApi(this, 'RestApi', {
      restApiName: `pantau-${config.stage}`,
      description: 'Pantau agency API',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: config.stage,
        throttlingRateLimit: config.apiRateLimit,
        throttlingBurstLimit: config.apiBurstLimit,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
        loggingLevel: apigw.MethodLoggingLevel.INFO,
        // Request and response bodies carry agency data: never into execution logs.
        dataTraceEnabled: false,
        tracingEnabled: true,
        metricsEnabled: true,
      },
      defaultCorsPreflightOptions: {
        allowOrigins: [config.dashboardOrigin],
        allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        allowHeaders: ['Authorization', 'Content-Type'],
        maxAge: Duration.hours(1),
      },
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level API Gateway logging role needs exactly the AWS-maintained push-to-CloudWatch policy; without it no execution or access logs are written.',
    });

    // Stage throttling caps the whole API; the usage plan is where per-agency API keys and
    // quotas attach when an agency needs its own limit.
    api.addUsagePlan('UsagePlan', {
      name: `pantau-${config.stage}`,
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
      apiStages: [{ api, stage: api.deploymentStage }],
    });

    // Error responses generated by API Gateway (401, 403, 429) must carry CORS headers too, or the
    // dashboard sees an opaque network error instead of the status.
    for (const [id, type] of [
      ['Default4xx', apigw.ResponseType.DEFAULT_4XX],
      ['Default5xx', apigw.ResponseType.DEFAULT_5XX],
    ] as const) {
      api.addGatewayResponse(id, {
        type,
        responseHeaders: { 'Access-Control-Allow-Origin': `'${config.dashboardOrigin}'` },
      });
    }

    const validator = new apigw.RequestValidator(this, 'RequestValidator', {
      restApi: api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [this.userPool],
      resultsCacheTtl: Duration.minutes(5),
    });
    const integration = new apigw.LambdaIntegration(this.fn.fn, { proxy: true });

    const health = api.root.addResource('health');
    health.addMethod('GET', integration, {
      authorizationType: apigw.AuthorizationType.NONE,
      requestValidator: validator,
    });
    Validations.of(health).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'GET /health is the public liveness probe for uptime monitors; it returns only status and version, never tenant data.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'GET /health is the public liveness probe for uptime monitors; it returns only status and version, never tenant data.',
      },
    );

    const v1 = api.root.addResource('v1');
    const proxy = v1.addResource('{proxy+}');
    const methodOptions = (scopes: string[]): apigw.MethodOptions => ({
      authorizer,
      authorizationType: apigw.AuthorizationType.COGNITO,
      authorizationScopes: scopes,
      requestValidator: validator,
      requestParameters: { 'method.request.path.proxy': true },
    });
    for (const m of READ_METHODS) {
      proxy.addMethod(m, integration, methodOptions([scope('read'), scope('admin')]));
    }
    for (const m of WRITE_METHODS) {
      proxy.addMethod(m, integration, methodOptions([scope('write'), scope('admin')]));
    }

    // CORS preflight: browsers send OPTIONS without credentials by design.
    const preflightReason =
      'CORS preflight (OPTIONS) is sent by browsers without credentials; the mock integration returns only CORS headers for the configured dashboard origin.';
    for (const resource of [api.root, health, v1, proxy]) {
      const options = resource.node.tryFindChild('OPTIONS');
      if (options) {
        Validations.of(options).acknowledge(
          { id: 'AwsSolutions-APIG4', reason: preflightReason },
          { id: 'AwsSolutions-COG4', reason: preflightReason },
        );
      }
    }
    return api;
  }

  private buildWebAcl(config: DeploymentConfig): wafv2.CfnWebACL {
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    const managed = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    });
    return new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`pantau-${config.stage}-api`),
      rules: [
        managed('AWSManagedRulesCommonRuleSet', 0),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 1),
        {
          name: 'RateLimitPerIp',
          priority: 2,
          action: { block: {} },
          statement: {
            rateBasedStatement: { limit: config.wafRateLimitPer5Min, aggregateKeyType: 'IP' },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
      ],
    });
  }
}

export type { AgencyApiProps };
export { AgencyApi, RESOURCE_SERVER, SCOPES };
