/**
 * The house Lambda: every Pantau function is one of these, so runtime, architecture, bundling,
 * tracing, log retention and the shared environment are decided once. Grants that also need an
 * environment variable (the table, a topic, a secret) go through `bind*` helpers, so a function
 * can never get the variable without the permission or the other way round.
 */
import { CfnElement, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { HOUSE_BUNDLING } from '../bundling.ts';
import type { DeploymentConfig } from '../config.ts';

/**
 * Context key that swaps esbuild bundling for a tiny inline asset. Only template unit tests set
 * it (bundling four entries per synth is slow on small machines); `cdk synth` and the real-bundle
 * test never do.
 */
const PREBUILT_CODE_CONTEXT = 'pantau:skipBundling';

/** Fails loudly if a test-only template were ever deployed. */
const UNBUNDLED_PLACEHOLDER =
  "exports.handler = async () => { throw new Error('synthesized with pantau:skipBundling: not deployable'); };";

interface PantauFunctionProps {
  /** Absolute path of the handler file (exports `handler`). */
  readonly entry: string;
  readonly description: string;
  readonly config: DeploymentConfig;
  /** MB; the default suits I/O-bound handlers. */
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly environment?: Readonly<Record<string, string>>;
  /** Caps concurrency where a downstream (a source API, SMS spend) must not be flooded. */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Actions that exist only without resource-level permissions (granted on "*"), with the reason
   * cdk-nag records for the wildcard.
   */
  readonly unscopedActions?: { readonly actions: readonly string[]; readonly reason: string };
  /**
   * Where a failed invocation ends up (on-failure destination, stream DLQ, caller). Lambda's
   * DeadLetterConfig only serves async invocations without a destination, so each function states
   * its own failure path instead, and cdk-nag records it.
   */
  readonly failurePath: string;
  /**
   * Allow only for a function that invokes itself on purpose, with its own bound on the chain;
   * Lambda's loop detection (Terminate) stays on everywhere else.
   */
  readonly recursiveLoop?: lambda.RecursiveLoop;
}

class PantauFunction extends Construct {
  readonly fn: lambda.Function;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PantauFunctionProps) {
    super(scope, id);
    const { config } = props;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.config.logRetentionDays as logs.RetentionDays,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const skipBundling =
      this.node.tryGetContext(PREBUILT_CODE_CONTEXT) === true ||
      this.node.tryGetContext(PREBUILT_CODE_CONTEXT) === 'true';
    const environment: Record<string, string> = {
      STAGE: config.stage,
      POWERTOOLS_SERVICE_NAME: 'pantau',
      POWERTOOLS_METRICS_NAMESPACE: 'Pantau',
      LOG_LEVEL: config.logLevel,
      MENTION_RETENTION_DAYS: String(config.mentionRetentionDays),
      ...props.environment,
    };
    this.fn = new NodejsFunction(this, 'Function', {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      recursiveLoop: props.recursiveLoop,
      environment,
      ...(skipBundling
        ? { code: lambda.Code.fromInline(UNBUNDLED_PLACEHOLDER), handler: 'index.handler' }
        : {
            entry: props.entry,
            handler: 'handler',
            bundling: {
              format: OutputFormat.ESM,
              target: HOUSE_BUNDLING.target,
              minify: HOUSE_BUNDLING.minify,
              keepNames: HOUSE_BUNDLING.keepNames,
              sourceMap: HOUSE_BUNDLING.sourcemap,
              sourcesContent: HOUSE_BUNDLING.sourcesContent,
              mainFields: [...HOUSE_BUNDLING.mainFields],
              banner: HOUSE_BUNDLING.banner,
              externalModules: [...HOUSE_BUNDLING.external],
            },
          }),
    });
    // Source maps turn minified stack traces back into file:line (CDK does not set this itself).
    if (HOUSE_BUNDLING.sourcemap) this.fn.addEnvironment('NODE_OPTIONS', '--enable-source-maps');
    if (props.unscopedActions) {
      this.fn.addToRolePolicy(
        new iam.PolicyStatement({ actions: [...props.unscopedActions.actions], resources: ['*'] }),
      );
    }
    this.acknowledgeHouseFindings(props.unscopedActions?.reason);
    Validations.of(this.fn).acknowledge({ id: 'Serverless-LambdaDLQ', reason: props.failurePath });
  }

  /** Sets TABLE_NAME and grants exactly the data actions the mode needs. */
  bindTable(table: ITable, mode: 'read' | 'readWrite'): void {
    this.fn.addEnvironment('TABLE_NAME', table.tableName);
    if (mode === 'read') table.grantReadData(this.fn);
    else table.grantReadWriteData(this.fn);
    Validations.of(this.fn.role ?? this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(table)}.Arn>/index/*]`,
      reason:
        'Queries go through the table GSIs (gsi1); the CDK table grant scopes them to this table\'s own indexes ("<table arn>/index/*"), not to other tables.',
    });
    if (table.encryptionKey) {
      const keyReason =
        "The table is encrypted with its own customer key; reading and writing items needs the KMS data-key family on that one key ARN (CDK's table grant).";
      Validations.of(this.fn.role ?? this).acknowledge(
        { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: keyReason },
        { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: keyReason },
      );
    }
  }

  /** Sets `envName` to the topic ARN and grants sns:Publish (plus the topic key, if any). */
  bindTopicPublish(topic: ITopic, envName: string): void {
    this.fn.addEnvironment(envName, topic.topicArn);
    topic.grantPublish(this.fn);
    if (topic.masterKey && this.fn.role) {
      Validations.of(this.fn.role).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason:
          'Publishing to a KMS-encrypted SNS topic needs a data key from the topic key; the grant is on that one key ARN, and the wildcard only spans the GenerateDataKey variants.',
      });
    }
  }

  /** Sets `envName` to the secret ARN and grants read of that one secret. */
  bindSecretRead(secret: ISecret, envName: string): void {
    this.fn.addEnvironment(envName, secret.secretArn);
    secret.grantRead(this.fn);
  }

  addToRolePolicy(statement: iam.PolicyStatement): void {
    this.fn.addToRolePolicy(statement);
  }

  private acknowledgeHouseFindings(unscopedReason?: string): void {
    const role = this.fn.role;
    if (role) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'AWSLambdaBasicExecutionRole only allows writing to CloudWatch Logs; the function writes to its own log group with retention.',
      });
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: [
          'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (active tracing adds them with Resource "*").',
          ...(unscopedReason ? [unscopedReason] : []),
        ].join(' '),
      });
    }
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is pinned on purpose: the project toolchain, tests and benchmarks run Node 22 (package.json), so what is tested is what runs; moving to a newer runtime is a deliberate upgrade.',
    });
    Validations.of(this.fn).acknowledge({
      id: 'Serverless-LambdaLatestVersion',
      reason:
        'nodejs22.x is pinned on purpose: the project toolchain, tests and benchmarks run Node 22 (package.json), so what is tested is what runs.',
    });
  }
}

/**
 * How cdk-nag prints an ARN built with Arn.format: unresolved pseudo parameters appear as
 * `<AWS::Region>`, concrete ones (env set on the stack) as themselves.
 */
function nagArn(scope: Construct, arn: string): string {
  const stack = Stack.of(scope);
  const show = (value: string, pseudo: string) =>
    Token.isUnresolved(value) ? `<${pseudo}>` : value;
  return arn
    .replaceAll('{region}', show(stack.region, 'AWS::Region'))
    .replaceAll('{account}', show(stack.account, 'AWS::AccountId'));
}

/** The logical id cdk-nag prints in finding ids such as `Resource::<Id.Arn>/index/*`. */
function logicalIdOf(construct: { node: Construct['node'] }): string {
  const child = construct.node.defaultChild;
  if (!(child instanceof CfnElement)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource to name`);
  }
  return Stack.of(child).getLogicalId(child);
}

export type { PantauFunctionProps };
export { logicalIdOf, nagArn, PantauFunction, PREBUILT_CODE_CONTEXT };
