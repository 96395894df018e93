/**
 * The agency HTTPS API: API Gateway REST (v1, for WAF association, usage plans and Cognito
 * scopes) in front of one api Lambda (proxy integration). Agencies authenticate with OAuth
 * client credentials from a Cognito user pool; their app clients are created at runtime by the
 * API itself, so the function may manage clients of this pool only. Officials are users of the
 * same pool and sign in to the dashboard through the hosted UI; a pre-token-generation trigger
 * copies their `custom:tenant_id` attribute into the access token, which the API reads first.
 */
import { Aws, Duration, Lazy, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { EXPOSED_HEADERS } from '../../lib/api/cors.ts';
import type { DeploymentConfig } from '../config.ts';
import { PantauFunction } from './pantau-function.ts';

interface AgencyApiProps {
  readonly config: DeploymentConfig;
  readonly entry: string;
  /** Handler of the Cognito pre-token-generation trigger (functions/pre-token/handler.ts). */
  readonly preTokenEntry: string;
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
/** What the dashboard sends cross-origin; PUT is not among them, so browsers may not send it. */
const CORS_METHODS = ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'];
const CORS_HEADERS = ['Authorization', 'Content-Type'];
/** The user attribute (and access-token claim, with the `custom:` prefix) naming the tenant. */
const TENANT_ATTRIBUTE = 'tenant_id';

/** Key of the WAF's JSON body for a rate block. */
const WAF_RATE_LIMITED_BODY = 'rate_limited';
/** WAF re-evaluates an address's rate continuously; a minute is a fair time to come back. */
const WAF_RETRY_AFTER_SECONDS = 60;

/**
 * The per-address limit on every request, credentialed or not, per 5 minutes. An agency's
 * officials often share one office address (NAT), so a limit near one official's traffic would
 * block a whole agency in a crisis, when it reads most. The limit is the dashboard client's own
 * API limit over five minutes: officials behind one address reach their client limit (the api
 * function's 429) first, and the WAF stops what no agency limit can, such as made-up tokens from
 * one address (at most 100 requests a second of the stage's throttle per address).
 */
function wafIpLimitPer5Min(config: DeploymentConfig): number {
  return Math.max(config.wafRateLimitPer5Min, 5 * config.apiClientRequestsPerMinute);
}

class AgencyApi extends Construct {
  readonly api: apigw.RestApi;
  readonly fn: PantauFunction;
  readonly userPool: cognito.UserPool;
  /** Hosts the OAuth endpoints: client-credentials token and the officials' hosted UI. */
  readonly userPoolDomain: cognito.UserPoolDomain;
  /** Adds `custom:tenant_id` to officials' access tokens. */
  readonly preToken: PantauFunction;
  readonly cursorSecret: secretsmanager.Secret;
  readonly webAcl: wafv2.CfnWebACL;
  readonly accessLogs: logs.LogGroup;
  /**
   * The stage URL (`https://<id>.execute-api.<region>.<suffix>/<stage>/`), built without a
   * reference to the Stage resource, unlike `api.url`: the dashboard names this URL and the
   * deployment's preflight methods name the dashboard, so a Stage reference would be a cycle.
   */
  readonly url: string;
  /** Resources that answer CORS preflight once `allowBrowserOrigins` has run. */
  private readonly corsResources: apigw.IResource[] = [];
  private browserOrigins: readonly string[] | undefined;

  constructor(scope_: Construct, id: string, props: AgencyApiProps) {
    super(scope_, id);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.userPool = this.buildUserPool(config, removalPolicy);
    // The token endpoint for client credentials and the hosted UI live on the pool domain.
    this.userPoolDomain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: `pantau-${config.stage}-${Aws.ACCOUNT_ID}` },
    });
    this.preToken = new PantauFunction(this, 'preToken', {
      entry: props.preTokenEntry,
      description: `Pantau ${config.stage}: puts the official's tenant into the access token`,
      config,
      failurePath:
        'Invoked synchronously by Cognito during sign-in: a failure fails that sign-in (the official sees an error and retries); there is no event to park.',
      memorySize: 256,
      // Cognito waits at most 5 s for a trigger.
      timeout: Duration.seconds(5),
      environment: { ...props.sharedEnvironment },
    });
    this.userPool.addTrigger(
      cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.preToken.fn,
      cognito.LambdaVersion.V2_0,
    );

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
        ALERT_TOPIC_ARN: props.alertTopic.topicArn,
        // Per agency and per client, across every instance: counted in the table, so one agency's
        // runaway script gets 429s while the stage throttle stays free for the others.
        PANTAU_API_TENANT_RPM: String(config.apiTenantRequestsPerMinute),
        PANTAU_API_CLIENT_RPM: String(config.apiClientRequestsPerMinute),
      },
    });
    // readWrite covers the rate-limit counters' UpdateItem as well as the API's own writes.
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
        // ConfirmSubscription: email subscribers are confirmed with authenticated unsubscribe.
        actions: ['sns:ConfirmSubscription', 'sns:Subscribe', 'sns:Unsubscribe'],
        resources: [props.alertTopic.topicArn],
      }),
    );

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy,
    });
    this.api = this.buildApi(config);
    this.url = `https://${this.api.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${config.stage}/`;
    this.node.addValidation({
      validate: () =>
        this.browserOrigins === undefined
          ? ['AgencyApi: call allowBrowserOrigins() with the dashboard origin(s)']
          : [],
    });
    this.webAcl = this.buildWebAcl(config);
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }

  private buildUserPool(config: DeploymentConfig, removalPolicy: RemovalPolicy): cognito.UserPool {
    const pool = new cognito.UserPool(this, 'UserPool', {
      // Agencies' machine clients and officials created by an administrator: nobody signs up.
      selfSignUpEnabled: false,
      // Access-token customization (pre-token generation V2_0) needs Essentials or Plus.
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      customAttributes: {
        // Set by the administrator who creates the official; the tenant boundary, so it never changes.
        [TENANT_ATTRIBUTE]: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: false }),
      },
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
          'Advanced security (threat protection) needs the Plus plan. User sign-ins are only the few officials created by an administrator (no self sign-up), each with TOTP MFA required and a 14-character password; agencies use client credentials, which threat protection does not assess.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'Essentials, not Plus: Plus only adds threat protection for user sign-ins, and the only users are administrator-created officials with mandatory TOTP MFA (see COG3); Essentials already gives the V2_0 access-token customization the tenant claim needs.',
      },
    );
    pool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER,
      userPoolResourceServerName: 'Pantau API',
      scopes: SCOPES.map(
        (s) => new cognito.ResourceServerScope({ scopeName: s, scopeDescription: `Pantau ${s}` }),
      ),
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
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level API Gateway logging role needs exactly the AWS-maintained push-to-CloudWatch policy; without it no execution or access logs are written.',
    });

    // Stage throttling caps the whole API, shared by every agency; each agency's own limit is
    // enforced by the api function (PANTAU_API_TENANT_RPM/PANTAU_API_CLIENT_RPM), because agencies
    // authenticate with Cognito tokens, not the API keys a usage plan would meter.
    api.addUsagePlan('UsagePlan', {
      name: `pantau-${config.stage}`,
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
      apiStages: [{ api, stage: api.deploymentStage }],
    });

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

    this.corsResources.push(api.root, health, v1, proxy);
    return api;
  }

  /**
   * Lets browsers on `origins` (https, no path; the first is the dashboard's main origin) call the
   * API: a preflight on every resource, and CORS headers on API Gateway's own error responses.
   * Called once by the stack after the dashboard exists, because the dashboard needs the API URL
   * and pool first.
   */
  allowBrowserOrigins(origins: readonly string[]): void {
    if (this.browserOrigins !== undefined) {
      throw new Error('AgencyApi.allowBrowserOrigins may be called only once');
    }
    const [main] = origins;
    if (main === undefined || origins.includes('*')) {
      throw new Error('AgencyApi.allowBrowserOrigins needs at least one origin and never "*"');
    }
    this.browserOrigins = [...origins];
    const options: apigw.CorsOptions = {
      allowOrigins: [...origins],
      allowMethods: CORS_METHODS,
      allowHeaders: CORS_HEADERS,
      maxAge: Duration.hours(1),
    };
    // Browsers send the preflight (OPTIONS) without credentials by design.
    const preflightReason =
      'CORS preflight (OPTIONS) is sent by browsers without credentials; the mock integration returns only CORS headers, for the dashboard origins alone.';
    for (const resource of this.corsResources) {
      const options_ = resource.addCorsPreflight(options);
      Validations.of(options_).acknowledge(
        { id: 'AwsSolutions-APIG4', reason: preflightReason },
        { id: 'AwsSolutions-COG4', reason: preflightReason },
      );
    }
    // Error responses generated by API Gateway (401, 403, 429) must carry CORS headers too, or the
    // dashboard sees an opaque network error instead of the status. A gateway response cannot pick
    // among origins, so it names the main one (the one officials open).
    for (const [id, type] of [
      ['Default4xx', apigw.ResponseType.DEFAULT_4XX],
      ['Default5xx', apigw.ResponseType.DEFAULT_5XX],
    ] as const) {
      this.api.addGatewayResponse(id, {
        type,
        responseHeaders: { 'Access-Control-Allow-Origin': `'${main}'`, Vary: "'Origin'" },
      });
    }
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
    // A rate block answers like the API's own limit (429, JSON, Retry-After) and with the CORS
    // headers, so the dashboard can tell an official to wait instead of showing a network error.
    // The origins are known only once the dashboard exists (allowBrowserOrigins), hence Lazy.
    const rateBlock: wafv2.CfnWebACL.RuleActionProperty = {
      block: {
        customResponse: {
          responseCode: 429,
          customResponseBodyKey: WAF_RATE_LIMITED_BODY,
          responseHeaders: Lazy.any({
            produce: () => [
              { name: 'Retry-After', value: String(WAF_RETRY_AFTER_SECONDS) },
              ...(this.browserOrigins?.[0]
                ? [
                    { name: 'Access-Control-Allow-Origin', value: this.browserOrigins[0] },
                    { name: 'Access-Control-Expose-Headers', value: EXPOSED_HEADERS },
                    { name: 'Vary', value: 'Origin' },
                  ]
                : []),
            ],
          }),
        },
      },
    };
    return new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`pantau-${config.stage}-api`),
      customResponseBodies: {
        [WAF_RATE_LIMITED_BODY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            error: {
              code: 'rate_limited',
              message: `Too many requests from this network address; retry after ${WAF_RETRY_AFTER_SECONDS} s`,
            },
          }),
        },
      },
      rules: [
        managed('AWSManagedRulesCommonRuleSet', 0),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 1),
        {
          // Requests without credentials (probes, floods, /health): the tight per-address limit.
          name: 'RateLimitPerIpAnonymous',
          priority: 2,
          action: rateBlock,
          statement: {
            rateBasedStatement: {
              limit: config.wafRateLimitPer5Min,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                notStatement: {
                  statement: {
                    sizeConstraintStatement: {
                      // singleHeader is passed through untouched: CloudFormation's casing.
                      fieldToMatch: { singleHeader: { Name: 'authorization' } },
                      comparisonOperator: 'GT',
                      size: 0,
                      textTransformations: [{ priority: 0, type: 'NONE' }],
                    },
                  },
                },
              },
            },
          },
          visibilityConfig: visibility('RateLimitPerIpAnonymous'),
        },
        {
          name: 'RateLimitPerIp',
          priority: 3,
          action: rateBlock,
          statement: {
            rateBasedStatement: { limit: wafIpLimitPer5Min(config), aggregateKeyType: 'IP' },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
      ],
    });
  }
}

export type { AgencyApiProps };
export {
  AgencyApi,
  CORS_HEADERS,
  CORS_METHODS,
  RESOURCE_SERVER,
  SCOPES,
  TENANT_ATTRIBUTE,
  WAF_RETRY_AFTER_SECONDS,
  wafIpLimitPer5Min,
};
