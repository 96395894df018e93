/**
 * Template assertions for the Pantau stack, synthesized once per region: Jakarta (no Comprehend,
 * no dashboard overrides) and Singapore (Comprehend, a custom dashboard origin and link base URL),
 * both stage dev.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DETECT_FILTER,
  SCORE_FILTER,
  TABLE_DEFINITION,
} from '../../lib/storage/table-definition.ts';
import { resourcesOf, type Synthesized, synthPantau } from './synth.ts';

type Resource = { Properties: Record<string, unknown>; DeletionPolicy?: string };

const SIN_DASHBOARD_ORIGIN = 'https://dasbor.kominfo.go.id';
const SIN_PUBLIC_BASE_URL = 'https://pantau.kominfo.go.id';

const PRE_TOKEN_DESCRIPTION = "Pantau dev: puts the official's tenant into the access token";

let jkt: Synthesized;
let sin: Synthesized;

beforeAll(() => {
  jkt = synthPantau({ region: 'ap-southeast-3', stage: 'dev' });
  sin = synthPantau({
    region: 'ap-southeast-1',
    stage: 'dev',
    dashboardOrigin: SIN_DASHBOARD_ORIGIN,
    publicBaseUrl: SIN_PUBLIC_BASE_URL,
  });
}, 180_000);

/** The logical id of the one Lambda function whose environment matches `env`. */
function functionId(template: Template, env: Record<string, unknown>): string {
  const found = Object.keys(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: Match.objectLike(env) } },
    }),
  );
  expect(found).toHaveLength(1);
  return found[0] as string;
}

function roleIdOf(template: Template, fnId: string): string {
  const fn = resourcesOf(template, 'AWS::Lambda::Function')[fnId] as Resource;
  const role = fn.Properties.Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
}

interface Statement {
  Action: string | string[];
  Effect: string;
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Sid?: string;
}

/** Every IAM statement attached (inline default policy) to the role of function `fnId`. */
function statementsOf(template: Template, fnId: string): Statement[] {
  const roleId = roleIdOf(template, fnId);
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const allActions = (statements: Statement[]) => statements.flatMap(actionsOf);

function refTo(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

describe('Stack: identity', () => {
  it('names the stack Pantau-<stage>-<region> and deploys to the context region', () => {
    expect(jkt.stack.stackName).toBe('Pantau-dev-ap-southeast-3');
    expect(jkt.stack.region).toBe('ap-southeast-3');
    expect(sin.stack.stackName).toBe('Pantau-dev-ap-southeast-1');
    expect(sin.stack.region).toBe('ap-southeast-1');
  });
});

describe('Construct: DataTable', () => {
  it('has the keys, GSI, stream, TTL and PITR of TABLE_DEFINITION, billed on demand', () => {
    const d = TABLE_DEFINITION;
    jkt.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: d.partitionKey, KeyType: 'HASH' },
        { AttributeName: d.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: d.partitionKey, AttributeType: 'S' },
        { AttributeName: d.sortKey, AttributeType: 'S' },
      ]),
      GlobalSecondaryIndexes: d.globalSecondaryIndexes.map((g) => ({
        IndexName: g.indexName,
        KeySchema: [
          { AttributeName: g.partitionKey, KeyType: 'HASH' },
          { AttributeName: g.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('in dev uses AWS-owned encryption and may be deleted', () => {
    jkt.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        DeletionProtectionEnabled: false,
        SSESpecification: { SSEEnabled: false },
      }),
    });
  });
});

describe('Construct: PantauFunction defaults', () => {
  it('every project function is arm64 nodejs22.x with active tracing, its own log group and the shared env', () => {
    const fns = Object.entries(resourcesOf(jkt.template, 'AWS::Lambda::Function')).filter(
      ([, f]) =>
        (f.Properties.Environment as { Variables?: Record<string, unknown> })?.Variables
          ?.POWERTOOLS_SERVICE_NAME,
    );
    // 7 collectors (demo enabled in dev) + score + detect + api + pre-token
    expect(fns).toHaveLength(11);
    const logGroups = resourcesOf(jkt.template, 'AWS::Logs::LogGroup');
    for (const [id, f] of fns) {
      const p = f.Properties;
      expect(p.Runtime, id).toBe('nodejs22.x');
      expect(p.Architectures, id).toEqual(['arm64']);
      expect(p.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(typeof p.MemorySize, id).toBe('number');
      expect(typeof p.Timeout, id).toBe('number');
      const vars = (p.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(vars, id).toMatchObject({
        STAGE: 'dev',
        POWERTOOLS_SERVICE_NAME: 'pantau',
        POWERTOOLS_METRICS_NAMESPACE: 'Pantau',
        LOG_LEVEL: 'DEBUG',
        NODE_OPTIONS: '--enable-source-maps',
        MENTION_RETENTION_DAYS: '30',
      });
      // The pre-token trigger only reads its event: no table, no secret.
      if (p.Description !== PRE_TOKEN_DESCRIPTION) {
        expect(vars, id).toMatchObject({
          TABLE_NAME: { Ref: refTo(jkt.template, 'AWS::DynamoDB::Table') },
          CURSOR_SECRET_ARN: { Ref: refTo(jkt.template, 'AWS::SecretsManager::Secret') },
        });
      } else {
        expect(vars.TABLE_NAME, id).toBeUndefined();
        expect(vars.CURSOR_SECRET_ARN, id).toBeUndefined();
      }
      const logGroupRef = (p.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(logGroups[logGroupRef]?.Properties.RetentionInDays, id).toBe(14);
    }
  });
});

describe('Construct: Collectors', () => {
  const expected = [
    { source: 'rss', expression: 'rate(15 minutes)', age: 900 },
    { source: 'google-news', expression: 'rate(15 minutes)', age: 900 },
    { source: 'x', expression: 'rate(5 minutes)', age: 300 },
    { source: 'bluesky', expression: 'rate(5 minutes)', age: 300 },
    { source: 'mastodon', expression: 'rate(10 minutes)', age: 600 },
    { source: 'youtube', expression: 'rate(1 hour)', age: 3600 },
    { source: 'demo', expression: 'rate(5 minutes)', age: 300 },
  ];

  it.each(expected)('collect-$source: one function, 5 min timeout, source env', ({ source }) => {
    jkt.template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 300,
      Environment: {
        Variables: Match.objectLike({
          COLLECT_SOURCE: source,
          SOURCE_PARAMETER_PREFIX: '/pantau/dev/sources',
        }),
      },
    });
  });

  it.each(expected)(
    'collect-$source: scheduled $expression with retry policy and DLQ',
    ({ source, expression, age }) => {
      const fnId = functionId(jkt.template, { COLLECT_SOURCE: source });
      jkt.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        GroupName: 'pantau-dev',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
          Input: JSON.stringify({ source }),
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: age },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SchedulerDlq'), 'Arn'] },
          },
          RoleArn: Match.anyValue(),
        },
      });
    },
  );

  it.each(expected)(
    'collect-$source: async failures go to an on-failure destination',
    ({ source, age }) => {
      const fnId = functionId(jkt.template, { COLLECT_SOURCE: source });
      jkt.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fnId },
        MaximumRetryAttempts: 1,
        MaximumEventAgeInSeconds: age,
        DestinationConfig: {
          OnFailure: {
            Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('FailureDlq'), 'Arn'] },
          },
        },
      });
    },
  );

  it('grants each collector its own SSM path only, and aws/ssm decryption only through SSM', () => {
    const fnId = functionId(jkt.template, { COLLECT_SOURCE: 'x' });
    const statements = statementsOf(jkt.template, fnId);
    const ssm = statements.find((s) => s.Sid === 'ReadSourceParameters');
    expect(ssm && actionsOf(ssm).sort()).toEqual([
      'ssm:GetParameter',
      'ssm:GetParameters',
      'ssm:GetParametersByPath',
    ]);
    const resources = JSON.stringify(ssm?.Resource);
    expect(resources).toContain(':parameter/pantau/dev/sources/x"');
    expect(resources).toContain(':parameter/pantau/dev/sources/x/*"');
    expect(resources).not.toMatch(/sources\/(rss|bluesky|mastodon|youtube|google-news|demo)/);
    const kms = statements.find((s) => s.Sid === 'DecryptSourceParameters');
    expect(kms && actionsOf(kms)).toEqual(['kms:Decrypt']);
    expect(kms?.Condition?.StringEquals).toEqual({
      'kms:ViaService': 'ssm.ap-southeast-3.amazonaws.com',
    });
    expect(kms?.Condition?.['ForAnyValue:StringEquals']).toEqual({
      'kms:ResourceAliases': 'alias/aws/ssm',
    });
    expect(JSON.stringify(kms?.Condition?.StringLike)).toContain(
      'parameter/pantau/dev/sources/x/*',
    );
    // No other SSM or Decrypt grant sneaks in.
    expect(allActions(statements).filter((a) => a.startsWith('ssm:'))).toHaveLength(3);
  });

  it('lets each schedule role invoke only its own collector', () => {
    const fnId = functionId(jkt.template, { COLLECT_SOURCE: 'bluesky' });
    const schedule = Object.values(resourcesOf(jkt.template, 'AWS::Scheduler::Schedule')).find(
      (s) => (s.Properties.Target as { Input: string }).Input === '{"source":"bluesky"}',
    );
    if (schedule === undefined) throw new Error('no bluesky schedule');
    const target = schedule.Properties.Target as { RoleArn: { 'Fn::GetAtt': string[] } };
    const roleId = target.RoleArn['Fn::GetAtt'][0];
    const policies = Object.values(resourcesOf(jkt.template, 'AWS::IAM::Policy')).filter(
      (p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]),
    );
    const doc = JSON.stringify(policies.map((p) => p.Properties.PolicyDocument));
    expect(doc).toContain('lambda:InvokeFunction');
    expect(doc).toContain(fnId);
    const otherFn = functionId(jkt.template, { COLLECT_SOURCE: 'x' });
    expect(doc).not.toContain(otherFn);
  });
});

describe('Construct: StreamProcessors', () => {
  const consumers = [
    {
      name: 'score',
      env: { SENTIMENT_COMPREHEND_ENABLED: Match.anyValue() },
      filter: SCORE_FILTER,
      window: 1,
      dlq: 'ScoreDlq',
    },
    {
      name: 'detect',
      env: { ALERT_TOPIC_ARN: Match.anyValue(), AUTH_MODE: Match.absent() },
      filter: DETECT_FILTER,
      window: 2,
      dlq: 'DetectDlq',
    },
  ];

  it.each(consumers)(
    '$name: stream mapping with its filter and bounded, isolating failure handling',
    ({ env, filter, window, dlq }) => {
      const fnId = functionId(jkt.template, env);
      jkt.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fnId },
        EventSourceArn: {
          'Fn::GetAtt': [refTo(jkt.template, 'AWS::DynamoDB::Table'), 'StreamArn'],
        },
        StartingPosition: 'LATEST',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: window,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 5,
        MaximumRecordAgeInSeconds: 6 * 3600,
        ParallelizationFactor: 1,
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp(dlq), 'Arn'] } },
        },
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(filter) }] },
      });
    },
  );

  it('keeps the stream at two consumers', () => {
    jkt.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
  });

  it('encrypts every DLQ and denies non-TLS access to it', () => {
    const queues = resourcesOf(jkt.template, 'AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(4);
    const policies = Object.values(resourcesOf(jkt.template, 'AWS::SQS::QueuePolicy'));
    for (const [id, q] of Object.entries(queues)) {
      expect(q.Properties.SqsManagedSseEnabled, id).toBe(true);
      expect(q.Properties.MessageRetentionPeriod, id).toBe(14 * 24 * 3600);
      const policy = policies.find(
        (p) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: id }]),
      );
      expect(JSON.stringify(policy?.Properties.PolicyDocument), id).toContain(
        '"aws:SecureTransport":"false"',
      );
    }
  });

  it('score: 1024 MB; built-in engine only in Jakarta, Comprehend enabled in Singapore', () => {
    jkt.template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Environment: { Variables: Match.objectLike({ SENTIMENT_COMPREHEND_ENABLED: 'false' }) },
    });
    sin.template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Environment: { Variables: Match.objectLike({ SENTIMENT_COMPREHEND_ENABLED: 'true' }) },
    });
  });

  it('grants no Comprehend permission anywhere in Jakarta', () => {
    const everyPolicy = JSON.stringify(jkt.template.findResources('AWS::IAM::Policy'));
    expect(everyPolicy).not.toContain('comprehend:');
  });

  it('grants Comprehend detection to the score function only in Singapore', () => {
    const scoreId = functionId(sin.template, { SENTIMENT_COMPREHEND_ENABLED: 'true' });
    const statement = statementsOf(sin.template, scoreId).find((s) =>
      actionsOf(s).includes('comprehend:BatchDetectSentiment'),
    );
    expect(statement && actionsOf(statement).sort()).toEqual([
      'comprehend:BatchDetectSentiment',
      'comprehend:DetectSentiment',
    ]);
    const policies = Object.values(resourcesOf(sin.template, 'AWS::IAM::Policy'));
    expect(policies.filter((p) => JSON.stringify(p).includes('comprehend:'))).toHaveLength(1);
  });

  it('detect: may publish to the alert topic and nothing else on SNS', () => {
    const detectId = functionId(jkt.template, {
      PUBLIC_BASE_URL: Match.anyValue(),
      ALERT_TOPIC_ARN: Match.anyValue(),
      COLLECT_SOURCE: Match.absent(),
      AUTH_MODE: Match.absent(),
    });
    const statements = statementsOf(jkt.template, detectId);
    const sns = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('sns:')));
    expect(sns).toHaveLength(1);
    expect(actionsOf(sns[0] as Statement)).toEqual(['sns:Publish']);
    const alertTopic = Object.keys(
      jkt.template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'Pantau' } }),
    )[0];
    expect((sns[0] as Statement).Resource).toEqual({ Ref: alertTopic });
    jkt.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ALERT_TOPIC_ARN: { Ref: alertTopic },
          PUBLIC_BASE_URL: Match.anyValue(),
        }),
      },
    });
  });

  it('table read/write for both consumers covers UpdateItem, GetItem, Query and conditional writes', () => {
    for (const env of consumers.map((c) => c.env)) {
      const actions = allActions(statementsOf(jkt.template, functionId(jkt.template, env)));
      expect(actions).toEqual(
        expect.arrayContaining([
          'dynamodb:UpdateItem',
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          'dynamodb:ConditionCheckItem',
        ]),
      );
    }
  });
});

describe('Construct: AgencyApi', () => {
  const apiEnv = { AUTH_MODE: 'cognito' };

  it('api function verifies tokens itself against the pool', () => {
    jkt.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          AUTH_MODE: 'cognito',
          USER_POOL_ID: { Ref: refTo(jkt.template, 'AWS::Cognito::UserPool') },
        }),
      },
    });
  });

  it('puts a Cognito authorizer with scopes on every method except GET /health and CORS preflight', () => {
    const methods = Object.entries(resourcesOf(jkt.template, 'AWS::ApiGateway::Method'));
    const health = Object.keys(
      jkt.template.findResources('AWS::ApiGateway::Resource', {
        Properties: { PathPart: 'health' },
      }),
    )[0];
    const authorizer = refTo(jkt.template, 'AWS::ApiGateway::Authorizer');
    let secured = 0;
    for (const [id, m] of methods) {
      const p = m.Properties;
      if (p.HttpMethod === 'OPTIONS') {
        expect(p.AuthorizationType, id).toBe('NONE');
        expect((p.Integration as { Type: string }).Type, id).toBe('MOCK');
        continue;
      }
      if (JSON.stringify(p.ResourceId) === JSON.stringify({ Ref: health })) {
        expect(p.HttpMethod, id).toBe('GET');
        expect(p.AuthorizationType, id).toBe('NONE');
        continue;
      }
      expect(p.AuthorizationType, id).toBe('COGNITO_USER_POOLS');
      expect(p.AuthorizerId, id).toEqual({ Ref: authorizer });
      expect((p.AuthorizationScopes as string[]).length, id).toBeGreaterThan(0);
      secured++;
    }
    expect(secured).toBe(5);
    jkt.template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      AuthorizationScopes: ['pantau/read', 'pantau/admin'],
    });
    jkt.template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'DELETE',
      AuthorizationScopes: ['pantau/write', 'pantau/admin'],
    });
    jkt.template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      ProviderARNs: [{ 'Fn::GetAtt': [refTo(jkt.template, 'AWS::Cognito::UserPool'), 'Arn'] }],
    });
  });

  it('defines the pantau resource server with read, write and admin scopes', () => {
    jkt.template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'pantau',
      Scopes: [
        Match.objectLike({ ScopeName: 'read' }),
        Match.objectLike({ ScopeName: 'write' }),
        Match.objectLike({ ScopeName: 'admin' }),
      ],
    });
    jkt.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });

  it('stage: throttled 1000/500, JSON access logs with retention, INFO execution logs without data, tracing', () => {
    const accessLogs = Object.entries(resourcesOf(jkt.template, 'AWS::Logs::LogGroup')).find(
      ([id]) => id.includes('AccessLogs'),
    );
    expect(accessLogs?.[1].Properties.RetentionInDays).toBe(14);
    jkt.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      TracingEnabled: true,
      AccessLogSetting: {
        DestinationArn: { 'Fn::GetAtt': [accessLogs?.[0], 'Arn'] },
        Format: Match.stringLikeRegexp('^\\{"requestId":"\\$context.requestId"'),
      },
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'INFO',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 1000,
          ThrottlingBurstLimit: 500,
        }),
      ],
    });
  });

  it('has a usage plan on the stage and a request validator', () => {
    jkt.template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 1000, BurstLimit: 500 },
      ApiStages: [
        Match.objectLike({ ApiId: { Ref: refTo(jkt.template, 'AWS::ApiGateway::RestApi') } }),
      ],
    });
    jkt.template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
  });

  it('associates a WAF web ACL with managed common, known-bad-inputs and rate-based rules', () => {
    jkt.template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' },
          },
          OverrideAction: { None: {} },
        }),
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: {
              VendorName: 'AWS',
              Name: 'AWSManagedRulesKnownBadInputsRuleSet',
            },
          },
        }),
        Match.objectLike({
          Name: 'RateLimitPerIpAnonymous',
          Statement: {
            RateBasedStatement: {
              AggregateKeyType: 'IP',
              Limit: 1000,
              ScopeDownStatement: {
                NotStatement: {
                  Statement: {
                    SizeConstraintStatement: Match.objectLike({
                      FieldToMatch: { SingleHeader: { Name: 'authorization' } },
                      ComparisonOperator: 'GT',
                      Size: 0,
                    }),
                  },
                },
              },
            },
          },
        }),
        Match.objectLike({
          Name: 'RateLimitPerIp',
          // The client limit over five minutes: an office NAT full of officials reaches the
          // dashboard client's 429 from the API before the WAF blocks the address.
          Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 5 * 6_000 } },
        }),
      ],
    });
    // Both rate rules answer 429 with Retry-After, a JSON body and the dashboard's CORS origin.
    const acl = Object.values(resourcesOf(jkt.template, 'AWS::WAFv2::WebACL'))[0]?.Properties as {
      Rules: { Name: string; Action?: { Block?: { CustomResponse?: Record<string, unknown> } } }[];
      CustomResponseBodies: Record<string, { ContentType: string; Content: string }>;
    };
    for (const rule of acl.Rules.filter((r) => r.Name.startsWith('RateLimit'))) {
      const custom = rule.Action?.Block?.CustomResponse as {
        ResponseCode: number;
        CustomResponseBodyKey: string;
        ResponseHeaders: { Name: string; Value: unknown }[];
      };
      expect(custom.ResponseCode, rule.Name).toBe(429);
      const headers = Object.fromEntries(custom.ResponseHeaders.map((h) => [h.Name, h.Value]));
      expect(headers['Retry-After']).toBe('60');
      expect(headers['Access-Control-Allow-Origin']).toEqual({
        'Fn::Join': ['', ['https://', distributionDomain(jkt.template)]],
      });
      expect(headers['Access-Control-Expose-Headers']).toBe('Retry-After, X-Request-Id');
      const body = acl.CustomResponseBodies[custom.CustomResponseBodyKey];
      expect(body?.ContentType).toBe('APPLICATION_JSON');
      expect(JSON.parse(body?.Content ?? '{}')).toMatchObject({ error: { code: 'rate_limited' } });
    }
    const stage = refTo(jkt.template, 'AWS::ApiGateway::Stage');
    const association = Object.values(resourcesOf(jkt.template, 'AWS::WAFv2::WebACLAssociation'));
    expect(association).toHaveLength(1);
    expect(JSON.stringify(association[0]?.Properties.ResourceArn)).toContain(stage);
    expect(association[0]?.Properties.WebACLArn).toEqual({
      'Fn::GetAtt': [refTo(jkt.template, 'AWS::WAFv2::WebACL'), 'Arn'],
    });
  });

  it('api role: manages clients of its pool, subscriptions of the alert topic, reads the cursor secret', () => {
    const statements = statementsOf(jkt.template, functionId(jkt.template, apiEnv));
    const cognito = statements.find((s) => s.Sid === 'ManageAgencyClients');
    expect(cognito?.Resource).toEqual({
      'Fn::GetAtt': [refTo(jkt.template, 'AWS::Cognito::UserPool'), 'Arn'],
    });
    expect(actionsOf(cognito as Statement).sort()).toEqual([
      'cognito-idp:CreateUserPoolClient',
      'cognito-idp:DeleteUserPoolClient',
      'cognito-idp:DescribeUserPoolClient',
    ]);
    const subs = statements.find((s) => s.Sid === 'ManageAlertSubscriptions');
    expect(actionsOf(subs as Statement)).toEqual([
      'sns:ConfirmSubscription',
      'sns:Subscribe',
      'sns:Unsubscribe',
    ]);
    const alertTopic = Object.keys(
      jkt.template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'Pantau' } }),
    )[0];
    expect(subs?.Resource).toEqual({ Ref: alertTopic });
    const secret = statements.find((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'));
    expect(secret?.Resource).toEqual({ Ref: refTo(jkt.template, 'AWS::SecretsManager::Secret') });
  });

  it('no function but api can read the cursor secret', () => {
    const apiRole = roleIdOf(jkt.template, functionId(jkt.template, apiEnv));
    for (const p of Object.values(resourcesOf(jkt.template, 'AWS::IAM::Policy'))) {
      if (JSON.stringify(p.Properties.PolicyDocument).includes('secretsmanager:GetSecretValue')) {
        expect(p.Properties.Roles).toEqual([{ Ref: apiRole }]);
      }
    }
  });
});

describe('Construct: Alerting', () => {
  it('encrypts both topics with a rotating customer key that SNS and CloudWatch may use', () => {
    const key = refTo(jkt.template, 'AWS::KMS::Key');
    const topics = Object.values(resourcesOf(jkt.template, 'AWS::SNS::Topic'));
    expect(topics).toHaveLength(2);
    for (const t of topics) {
      expect(t.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [key, 'Arn'] });
    }
    jkt.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'sns.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it('denies non-TLS publishing on both topics', () => {
    const policies = Object.values(resourcesOf(jkt.template, 'AWS::SNS::TopicPolicy'));
    expect(policies).toHaveLength(2);
    for (const p of policies) {
      expect(JSON.stringify(p.Properties.PolicyDocument)).toContain(
        '"aws:SecureTransport":"false"',
      );
    }
  });

  it('sets the account SMS attributes: transactional, spend limit, delivery status logging', () => {
    const resources = Object.values(resourcesOf(jkt.template, 'Custom::AWS'));
    expect(resources).toHaveLength(1);
    const create = JSON.stringify(resources[0]?.Properties.Create);
    expect(create).toContain('setSMSAttributes');
    expect(create).toContain('\\"DefaultSMSType\\":\\"Transactional\\"');
    expect(create).toContain('\\"MonthlySpendLimit\\":\\"5\\"');
    expect(create).toContain('\\"DeliveryStatusSuccessSamplingRate\\":\\"100\\"');
    expect(create).toContain('DeliveryStatusIAMRole');
    expect(create).toMatch(/SmsDeliveryStatusRole[A-Z0-9]+/);
    jkt.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'sns.amazonaws.com' } })],
      },
    });
  });
});

describe('Construct: Operations', () => {
  const opsTopicRef = () =>
    Object.keys(
      jkt.template.findResources('AWS::SNS::Topic', {
        Properties: { DisplayName: 'Pantau dev operations' },
      }),
    )[0];

  it('routes every alarm to the operations topic', () => {
    const alarms = Object.entries(resourcesOf(jkt.template, 'AWS::CloudWatch::Alarm'));
    // 11 functions x (errors, throttles) + 7 collectors not running + 2 iterator age + 4 DLQs
    // + 2 scheduler + SNS failures + SMS spend + API 5xx + rate limiter failures
    expect(alarms).toHaveLength(22 + 7 + 2 + 4 + 2 + 1 + 1 + 1 + 1);
    for (const [id, a] of alarms) {
      expect(a.Properties.AlarmActions, id).toEqual([{ Ref: opsTopicRef() }]);
    }
  });

  it('alarms on iterator age for both stream consumers', () => {
    for (const env of [
      { SENTIMENT_COMPREHEND_ENABLED: 'false' },
      { PUBLIC_BASE_URL: Match.anyValue(), AUTH_MODE: Match.absent() },
    ]) {
      jkt.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'IteratorAge',
        Namespace: 'AWS/Lambda',
        Statistic: 'Maximum',
        Threshold: 300_000,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(jkt.template, env) } }],
      });
    }
  });

  it('alarms when any DLQ holds a message', () => {
    for (const queue of Object.keys(jkt.template.findResources('AWS::SQS::Queue'))) {
      jkt.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      });
    }
  });

  it('alarms when the API runs without its rate limits, on the metric the api function emits', () => {
    type Env = { Environment?: { Variables?: Record<string, string> } };
    const fns = Object.values(resourcesOf(jkt.template, 'AWS::Lambda::Function'));
    const vars = fns
      .map((f) => (f.Properties as Env).Environment?.Variables ?? {})
      .find((v) => v.PANTAU_API_TENANT_RPM !== undefined);
    expect(vars?.POWERTOOLS_METRICS_NAMESPACE).toBeTruthy();
    expect(vars?.POWERTOOLS_SERVICE_NAME).toBeTruthy();
    jkt.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: vars?.POWERTOOLS_METRICS_NAMESPACE,
      MetricName: 'RateLimiterFailures',
      // Powertools adds the service as the one default dimension: the alarm must name it exactly.
      Dimensions: [{ Name: 'service', Value: vars?.POWERTOOLS_SERVICE_NAME }],
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 5,
    });
  });

  it('alarms on scheduler target errors and dropped invocations of the Pantau group', () => {
    for (const metric of ['TargetErrorCount', 'InvocationDroppedCount']) {
      jkt.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Scheduler',
        MetricName: metric,
        Dimensions: [{ Name: 'ScheduleGroup', Value: Match.anyValue() }],
        Threshold: 1,
      });
    }
  });

  it('alarms on failed alert notifications and at 80 % of the SMS spend limit', () => {
    jkt.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SNS',
      MetricName: 'NumberOfNotificationsFailed',
      Threshold: 1,
    });
    jkt.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SNS',
      MetricName: 'SMSMonthToDateSpentUSD',
      Statistic: 'Maximum',
      Threshold: 4,
    });
  });

  it('alarms on errors and throttles of every function', () => {
    for (const metric of ['Errors', 'Throttles']) {
      const alarms = jkt.template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { Namespace: 'AWS/Lambda', MetricName: metric },
      });
      expect(Object.keys(alarms)).toHaveLength(11);
    }
  });

  it('alarms when a collector is not invoked over two of its schedule intervals', () => {
    const collectors = Object.entries(resourcesOf(jkt.template, 'AWS::Lambda::Function'))
      .map(([id, fn]) => {
        const env = (fn.Properties.Environment as { Variables?: Record<string, string> })
          ?.Variables;
        return { id, source: env?.COLLECT_SOURCE, every: Number(env?.COLLECT_EVERY_MINUTES) };
      })
      .filter((c) => c.source !== undefined);
    expect(collectors.map((c) => [c.source, c.every]).sort()).toEqual([
      ['bluesky', 5],
      ['demo', 5],
      ['google-news', 15],
      ['mastodon', 10],
      ['rss', 15],
      ['x', 5],
      ['youtube', 60],
    ]);
    const notRunning = Object.values(
      jkt.template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { Namespace: 'AWS/Lambda', MetricName: 'Invocations' },
      }),
    );
    expect(notRunning).toHaveLength(collectors.length);
    for (const c of collectors) {
      const found = notRunning.filter(
        (a) =>
          JSON.stringify(a.Properties.Dimensions) ===
          JSON.stringify([{ Name: 'FunctionName', Value: { Ref: c.id } }]),
      );
      expect(found, c.source).toHaveLength(1);
      expect(found[0]?.Properties.AlarmDescription).toMatch(
        new RegExp(`^collect-${c.source}: not invoked for ${2 * c.every} min`),
      );
      expect((found[0] as Resource).Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Invocations',
        Statistic: 'Sum',
        // Two schedule intervals in one period: one dropped run leaves an invocation in it.
        Period: 2 * c.every * 60,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        // No invocation means no datapoint at all: that is the condition itself.
        TreatMissingData: 'breaching',
        AlarmActions: [{ Ref: opsTopicRef() }],
      });
    }
  });

  it('has one dashboard', () => {
    jkt.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    jkt.template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: 'Pantau-dev-ap-southeast-3',
    });
  });
});

/** `{ Fn::GetAtt: [<distribution>, DomainName] }` of the one dashboard distribution. */
function distributionDomain(template: Template) {
  return { 'Fn::GetAtt': [refTo(template, 'AWS::CloudFront::Distribution'), 'DomainName'] };
}

const dashboardOriginOf = (template: Template) => ({
  'Fn::Join': ['', ['https://', distributionDomain(template)]],
});

describe('Stack: dashboard', () => {
  it('outputs the dashboard URL: the distribution, https, with a trailing slash', () => {
    jkt.template.hasOutput('DashboardUrl', {
      Value: { 'Fn::Join': ['', ['https://', distributionDomain(jkt.template), '/']] },
    });
    jkt.template.hasOutput('HostedUiUrl', {
      Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
    });
  });

  it('serves the site from a private bucket through origin access control', () => {
    jkt.template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    jkt.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        Origins: [
          Match.objectLike({
            OriginAccessControlId: Match.anyValue(),
            S3OriginConfig: { OriginAccessIdentity: '' },
          }),
        ],
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
  });

  it('points the dashboard client at the pool with code flow + PKCE and the distribution as callback', () => {
    const callback = { 'Fn::Join': ['', ['https://', distributionDomain(jkt.template), '/']] };
    jkt.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: { Ref: refTo(jkt.template, 'AWS::Cognito::UserPool') },
      ClientName: 'pantau-dev-dashboard',
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: [callback],
      LogoutURLs: [callback],
      // Officials may change their language, never their tenant.
      WriteAttributes: ['locale'],
    });
  });

  it('gives the dashboard the API stage URL without depending on the API deployment', () => {
    const policy = Object.values(
      resourcesOf(jkt.template, 'AWS::CloudFront::ResponseHeadersPolicy'),
    );
    expect(policy).toHaveLength(1);
    const csp = JSON.stringify(policy[0]?.Properties);
    expect(csp).toContain(`{"Ref":"${refTo(jkt.template, 'AWS::ApiGateway::RestApi')}"}`);
    expect(csp).toContain('.execute-api.');
    expect(csp).not.toContain(refTo(jkt.template, 'AWS::ApiGateway::Stage'));
  });
});

describe('Stack: CORS for the dashboard', () => {
  const preflights = (template: Template) =>
    Object.values(
      template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'OPTIONS' } }),
    );
  const corsParameters = (origin: unknown) => ({
    'method.response.header.Access-Control-Allow-Origin': origin,
    'method.response.header.Access-Control-Allow-Headers': "'Authorization,Content-Type'",
    'method.response.header.Access-Control-Allow-Methods': "'GET,POST,PATCH,DELETE,OPTIONS'",
    'method.response.header.Access-Control-Max-Age': "'3600'",
    'method.response.header.Vary': "'Origin'",
  });

  it('answers preflight on /, /health, /v1 and /v1/{proxy+} for the distribution origin only', () => {
    expect(preflights(jkt.template)).toHaveLength(4);
    jkt.template.resourcePropertiesCountIs(
      'AWS::ApiGateway::Method',
      {
        HttpMethod: 'OPTIONS',
        AuthorizationType: 'NONE',
        Integration: Match.objectLike({
          Type: 'MOCK',
          IntegrationResponses: [
            {
              StatusCode: '204',
              ResponseParameters: corsParameters({
                'Fn::Join': ['', ["'https://", distributionDomain(jkt.template), "'"]],
              }),
            },
          ],
        }),
      },
      4,
    );
  });

  it('with dashboardOrigin set, allows exactly it and the distribution origin', () => {
    expect(preflights(sin.template)).toHaveLength(4);
    sin.template.resourcePropertiesCountIs(
      'AWS::ApiGateway::Method',
      {
        HttpMethod: 'OPTIONS',
        Integration: Match.objectLike({
          IntegrationResponses: [
            {
              StatusCode: '204',
              ResponseParameters: corsParameters(`'${SIN_DASHBOARD_ORIGIN}'`),
              // Any other origin gets the main one back, which the browser then refuses.
              ResponseTemplates: {
                'application/json': {
                  'Fn::Join': [
                    '',
                    [
                      // The main origin is the default answer; the VTL echoes the other one.
                      Match.stringLikeRegexp('\\n#if\\(\\$origin == "https://$'),
                      distributionDomain(sin.template),
                      '")\n  #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)\n#end',
                    ],
                  ],
                },
              },
            },
          ],
        }),
      },
      4,
    );
  });

  it('puts the main dashboard origin on API Gateway error responses, never "*"', () => {
    for (const [template, origin] of [
      [jkt.template, { 'Fn::Join': ['', ["'https://", distributionDomain(jkt.template), "'"]] }],
      [sin.template, `'${SIN_DASHBOARD_ORIGIN}'`],
    ] as const) {
      for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
        template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
          ResponseType: type,
          ResponseParameters: {
            'gatewayresponse.header.Access-Control-Allow-Origin': origin,
            'gatewayresponse.header.Vary': "'Origin'",
          },
        });
      }
      expect(JSON.stringify(template.toJSON())).not.toMatch(/Access-Control-Allow-Origin[^,]*\*/);
    }
  });

  it('tells the api function the allowed origins, for the CORS headers of its own responses', () => {
    jkt.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          AUTH_MODE: 'cognito',
          CORS_ALLOWED_ORIGINS: dashboardOriginOf(jkt.template),
        }),
      },
    });
    sin.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          AUTH_MODE: 'cognito',
          CORS_ALLOWED_ORIGINS: {
            'Fn::Join': [',', [SIN_DASHBOARD_ORIGIN, dashboardOriginOf(sin.template)]],
          },
        }),
      },
    });
  });
});

describe('Stack: alert links (PUBLIC_BASE_URL)', () => {
  const detectEnv = { ALERT_TOPIC_ARN: Match.anyValue(), AUTH_MODE: Match.absent() };
  const apiEnv = { AUTH_MODE: 'cognito' };

  it('is the dashboard distribution origin by default, for detect and api', () => {
    for (const env of [detectEnv, apiEnv]) {
      const id = functionId(jkt.template, { ...env, PUBLIC_BASE_URL: Match.anyValue() });
      const fn = resourcesOf(jkt.template, 'AWS::Lambda::Function')[id] as Resource;
      expect(fn.Properties.Environment).toMatchObject({
        Variables: { PUBLIC_BASE_URL: dashboardOriginOf(jkt.template) },
      });
    }
    jkt.template.hasOutput('PublicBaseUrl', { Value: dashboardOriginOf(jkt.template) });
  });

  it('is the configured publicBaseUrl when set', () => {
    for (const env of [detectEnv, apiEnv]) {
      sin.template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({ ...env, PUBLIC_BASE_URL: SIN_PUBLIC_BASE_URL }),
        },
      });
    }
  });
});

describe('Stack: officials carry their tenant', () => {
  const preTokenId = (template: Template) => {
    const ids = Object.keys(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: PRE_TOKEN_DESCRIPTION },
      }),
    );
    expect(ids).toHaveLength(1);
    return ids[0] as string;
  };

  it('adds an immutable custom tenant_id attribute on an Essentials pool without self sign-up', () => {
    jkt.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'ESSENTIALS',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Schema: Match.arrayWith([
        {
          Name: 'tenant_id',
          AttributeDataType: 'String',
          Mutable: false,
          StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
        },
      ]),
    });
  });

  it('runs the pre-token trigger with the V2_0 event, which Cognito may invoke', () => {
    const fnId = preTokenId(jkt.template);
    jkt.template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaArn: { 'Fn::GetAtt': [fnId, 'Arn'] },
          LambdaVersion: 'V2_0',
        },
      },
    });
    jkt.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [refTo(jkt.template, 'AWS::Cognito::UserPool'), 'Arn'] },
    });
  });

  it('pre-token function: house defaults, 5 s, and no permission beyond tracing', () => {
    const fnId = preTokenId(jkt.template);
    jkt.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: PRE_TOKEN_DESCRIPTION,
      Runtime: 'nodejs22.x',
      Timeout: 5,
      TracingConfig: { Mode: 'Active' },
    });
    expect(allActions(statementsOf(jkt.template, fnId)).sort()).toEqual([
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });
});

describe('cdk-nag over the dev stacks', () => {
  it.each([
    ['Jakarta', () => jkt],
    ['Singapore', () => sin],
  ] as const)('%s: no unacknowledged AwsSolutions or Serverless finding', (_name, get) => {
    const { app, nagPacks } = get();
    const findings = nagPacks.flatMap((pack) =>
      pack.validateScope(app).violations.map((v) => `${v.severity} ${v.ruleName}`),
    );
    expect(findings).toEqual([]);
  });
});
