/**
 * The runtime configuration of every function, read once per process from the environment the
 * CDK stack (or the local runtime) sets. See README "Configuration".
 */
import { ConfigError } from '../domain/errors.ts';
import { type Env, getBoolean, getNumber, getOptionalString, getString } from './env.ts';

export type AuthConfig =
  | { mode: 'local' }
  | { mode: 'cognito'; userPoolId: string; region: string };

export interface RuntimeConfig {
  stage: string;
  region: string;
  tableName: string;
  /** DynamoDB Local endpoint; undefined in AWS. */
  dynamoEndpoint?: string;
  mentionRetentionDays: number;
  comprehendEnabled: boolean;
  /** SNS topic for alerts; undefined locally, where the outbox publisher is used. */
  alertTopicArn?: string;
  /** JSON-lines file of the local outbox. */
  outboxFile?: string;
  publicBaseUrl?: string;
  auth: AuthConfig;
  /** HMAC key for API page cursors: a Secrets Manager ARN in AWS, a literal locally. */
  cursorSecretArn?: string;
  cursorSecret?: string;
  sourceParameterPrefix?: string;
  /** Browser origins (the dashboard) allowed to call the API; never `*`. */
  corsAllowedOrigins: string[];
  /** The tenant whose admins run the platform (create tenants, manage any tenant's tokens). */
  operatorTenantId: string;
}

function loadConfig(env: Env = process.env): RuntimeConfig {
  const region = getOptionalString('AWS_REGION', env) ?? 'ap-southeast-3';
  const authMode = getOptionalString('AUTH_MODE', env) ?? 'local';
  let auth: AuthConfig;
  if (authMode === 'cognito') {
    auth = { mode: 'cognito', userPoolId: getString('USER_POOL_ID', env), region };
  } else if (authMode === 'local') {
    auth = { mode: 'local' };
  } else {
    throw new ConfigError(`AUTH_MODE must be 'local' or 'cognito', got '${authMode}'`);
  }
  return {
    stage: getOptionalString('STAGE', env) ?? 'local',
    region,
    tableName: getString('TABLE_NAME', env),
    dynamoEndpoint: getOptionalString('DYNAMODB_ENDPOINT', env),
    mentionRetentionDays: getNumber('MENTION_RETENTION_DAYS', 90, env),
    comprehendEnabled: getBoolean('SENTIMENT_COMPREHEND_ENABLED', false, env),
    alertTopicArn: getOptionalString('ALERT_TOPIC_ARN', env),
    outboxFile: getOptionalString('PANTAU_OUTBOX_FILE', env),
    publicBaseUrl: getOptionalString('PUBLIC_BASE_URL', env),
    auth,
    cursorSecretArn: getOptionalString('CURSOR_SECRET_ARN', env),
    cursorSecret: getOptionalString('CURSOR_SECRET', env),
    sourceParameterPrefix: getOptionalString('SOURCE_PARAMETER_PREFIX', env),
    operatorTenantId: getOptionalString('OPERATOR_TENANT_ID', env) ?? 'platform',
    corsAllowedOrigins: (getOptionalString('CORS_ALLOWED_ORIGINS', env) ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o !== '' && o !== '*'),
  };
}

export { loadConfig };
