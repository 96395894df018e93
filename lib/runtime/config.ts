/**
 * The runtime configuration of every function, read once per process from the environment the
 * CDK stack (or the local runtime) sets. See README "Configuration".
 */
import { ConfigError } from '../domain/errors.ts';
import { type Env, getBoolean, getNumber, getOptionalString, getString } from './env.ts';

export type AuthConfig =
  | { mode: 'local' }
  | { mode: 'cognito'; userPoolId: string; region: string };

/** Requests per minute the API allows (see DEFAULT_API_RATE_LIMITS). */
export interface ApiRateLimits {
  /** All clients of one tenant together. */
  tenantPerMinute: number;
  /** One client (a token, or a Cognito app client) within its tenant. */
  clientPerMinute: number;
}

/**
 * Defaults that a busy agency never reaches in normal use, from what the dashboard asks
 * (web/src): the overview asks 5 + N requests per render for N issues (the shell's open-alert
 * count, source status, issues, open and acknowledged alerts, one stats per issue), an issue page
 * 8, and an open page re-renders every 30 s while an alert is open (every 120 s otherwise).
 * A busy agency in a crisis: 40 issues, so 45 per overview render; 20 officials with it open
 * = 20 × 2 × 45 = 1,800/min; 5 of them clicking through a view every 5 s at about 20 requests a
 * view = 5 × 12 × 20 = 1,200/min; scripts polling 40 issues' mentions each minute, two pages
 * each, plus exports ≈ 200/min. Peak ≈ 3,200/min.
 * The client limit counts each signed-in official on their own (the actor; all dashboards are
 * one app client), and each script's client as itself. clientPerMinute 6,000 is twice what the
 * whole busy dashboard needs, so a shared service account (one token for a whole office) still
 * fits. tenantPerMinute is twice the client limit, so a runaway script or tab (one actor) still
 * leaves its own agency 6,000/min, and it is 20 % of the stage throttle (1,000 rps =
 * 60,000/min), so one agency can never take the stage from the others.
 */
const DEFAULT_API_RATE_LIMITS: ApiRateLimits = { tenantPerMinute: 12_000, clientPerMinute: 6_000 };

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
  /** `PANTAU_API_TENANT_RPM` and `PANTAU_API_CLIENT_RPM`. */
  apiRateLimits: ApiRateLimits;
}

function requestsPerMinute(name: string, fallback: number, env: Env): number {
  const value = getNumber(name, fallback, env);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError(
      `Environment variable ${name} must be a positive integer, got '${value}'`,
    );
  }
  return value;
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
    apiRateLimits: {
      tenantPerMinute: requestsPerMinute(
        'PANTAU_API_TENANT_RPM',
        DEFAULT_API_RATE_LIMITS.tenantPerMinute,
        env,
      ),
      clientPerMinute: requestsPerMinute(
        'PANTAU_API_CLIENT_RPM',
        DEFAULT_API_RATE_LIMITS.clientPerMinute,
        env,
      ),
    },
  };
}

export { DEFAULT_API_RATE_LIMITS, loadConfig };
