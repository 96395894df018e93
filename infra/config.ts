/**
 * Typed deployment configuration: which stage, which region, and what that region can do.
 * Read once from CDK context (`-c stage=… -c region=…`) and validated before any construct is
 * built, so a typo fails the synth with a clear message instead of deploying something odd.
 */
import { ConfigError } from '../lib/domain/errors.ts';
import type { SourceName } from '../lib/domain/types.ts';
import { DEFAULT_API_RATE_LIMITS } from '../lib/runtime/config.ts';

type StageName = 'dev' | 'staging' | 'prod';

const STAGE_NAMES: readonly StageName[] = ['dev', 'staging', 'prod'];

/**
 * What a region offers Pantau. Facts from the AWS endpoint tables (Amazon Comprehend endpoints;
 * SNS "Supported Regions and countries" for SMS); re-check them before adding a region.
 */
interface RegionCapabilities {
  readonly name: string;
  /** Amazon Comprehend real-time sentiment (DetectSentiment/BatchDetectSentiment). */
  readonly comprehend: boolean;
  /** SNS can send SMS from this region. */
  readonly sms: boolean;
}

const REGION_CAPABILITIES: Readonly<Record<string, RegionCapabilities>> = {
  // Jakarta: where government data is expected to stay. No Comprehend endpoint here.
  'ap-southeast-3': { name: 'Asia Pacific (Jakarta)', comprehend: false, sms: true },
  'ap-southeast-1': { name: 'Asia Pacific (Singapore)', comprehend: true, sms: true },
  'ap-southeast-2': { name: 'Asia Pacific (Sydney)', comprehend: true, sms: true },
  'ap-northeast-1': { name: 'Asia Pacific (Tokyo)', comprehend: true, sms: true },
  'ap-south-1': { name: 'Asia Pacific (Mumbai)', comprehend: true, sms: true },
  'us-east-1': { name: 'US East (N. Virginia)', comprehend: true, sms: true },
  'us-west-2': { name: 'US West (Oregon)', comprehend: true, sms: true },
  'eu-west-1': { name: 'Europe (Ireland)', comprehend: true, sms: true },
  'eu-central-1': { name: 'Europe (Frankfurt)', comprehend: true, sms: true },
};

/** One source collected by its own Lambda on its own schedule. */
interface SourceSchedule {
  readonly source: SourceName;
  readonly everyMinutes: number;
}

interface StageConfig {
  readonly stage: StageName;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Days CloudWatch keeps function, API access and execution logs. */
  readonly logRetentionDays: number;
  /** Days a mention lives before DynamoDB TTL removes it. */
  readonly mentionRetentionDays: number;
  /** Stage wish to use Comprehend; only honoured where the region offers it. */
  readonly comprehendWanted: boolean;
  /** Whether the offline demo source gets a collector (useful in dev, noise in prod). */
  readonly demoSource: boolean;
  /** 'aws-owned' costs nothing; 'customer-kms' gives key-policy control and CloudTrail on use. */
  readonly tableEncryption: 'aws-owned' | 'customer-kms';
  /** Prod keeps data when the stack goes: RETAIN plus deletion protection. */
  readonly retainData: boolean;
  /** Account-wide SNS SMS spend cap (USD per month); the spend alarm fires at 80 %. */
  readonly smsMonthlySpendLimitUsd: number;
  /**
   * Base URL of SMS/email links (`<publicBaseUrl>/a/<REF>`). Unset: the dashboard's own
   * CloudFront URL, which is always right; set it once a custom domain fronts the dashboard.
   */
  readonly publicBaseUrl: string | undefined;
  /**
   * An extra origin CORS allows next to the dashboard distribution's own (a custom domain in
   * front of it). Unset: the distribution's origin only.
   */
  readonly dashboardOrigin: string | undefined;
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  /**
   * WAF rate-based rule on requests without an Authorization header: requests per 5 minutes per
   * client IP. Credentialed requests have a far higher per-address limit (wafIpLimitPer5Min in
   * constructs/agency-api.ts) and the api function's per-agency limits.
   */
  readonly wafRateLimitPer5Min: number;
  /**
   * The api function's own limits across all its instances (PANTAU_API_TENANT_RPM and
   * PANTAU_API_CLIENT_RPM): requests per minute of one agency's clients together, and of one client
   * of an agency. How the defaults were chosen: DEFAULT_API_RATE_LIMITS in lib/runtime/config.ts.
   */
  readonly apiTenantRequestsPerMinute: number;
  readonly apiClientRequestsPerMinute: number;
  readonly schedules: readonly SourceSchedule[];
}

interface DeploymentConfig extends StageConfig {
  readonly region: string;
  readonly capabilities: RegionCapabilities;
  /** Effective: wanted by the stage AND offered by the region. */
  readonly comprehendEnabled: boolean;
  readonly stackName: string;
}

const BASE_SCHEDULES: readonly SourceSchedule[] = [
  { source: 'rss', everyMinutes: 15 },
  { source: 'google-news', everyMinutes: 15 },
  { source: 'x', everyMinutes: 5 },
  { source: 'bluesky', everyMinutes: 5 },
  { source: 'mastodon', everyMinutes: 10 },
  { source: 'youtube', everyMinutes: 60 },
];

const DEMO_SCHEDULE: SourceSchedule = { source: 'demo', everyMinutes: 5 };

const STAGES: Readonly<
  Record<StageName, Omit<StageConfig, 'schedules' | 'publicBaseUrl' | 'dashboardOrigin'>>
> = {
  dev: {
    stage: 'dev',
    logLevel: 'DEBUG',
    logRetentionDays: 14,
    mentionRetentionDays: 30,
    comprehendWanted: true,
    demoSource: true,
    tableEncryption: 'aws-owned',
    retainData: false,
    smsMonthlySpendLimitUsd: 5,
    apiRateLimit: 1000,
    apiBurstLimit: 500,
    wafRateLimitPer5Min: 1000,
    apiTenantRequestsPerMinute: DEFAULT_API_RATE_LIMITS.tenantPerMinute,
    apiClientRequestsPerMinute: DEFAULT_API_RATE_LIMITS.clientPerMinute,
  },
  staging: {
    stage: 'staging',
    logLevel: 'INFO',
    logRetentionDays: 30,
    mentionRetentionDays: 90,
    comprehendWanted: true,
    demoSource: false,
    tableEncryption: 'customer-kms',
    retainData: false,
    smsMonthlySpendLimitUsd: 20,
    apiRateLimit: 1000,
    apiBurstLimit: 500,
    wafRateLimitPer5Min: 2000,
    apiTenantRequestsPerMinute: DEFAULT_API_RATE_LIMITS.tenantPerMinute,
    apiClientRequestsPerMinute: DEFAULT_API_RATE_LIMITS.clientPerMinute,
  },
  prod: {
    stage: 'prod',
    logLevel: 'INFO',
    logRetentionDays: 365,
    mentionRetentionDays: 90,
    comprehendWanted: true,
    demoSource: false,
    tableEncryption: 'customer-kms',
    retainData: true,
    smsMonthlySpendLimitUsd: 200,
    // Well under Jakarta's 2,500 rps account default, so one agency cannot starve the account.
    apiRateLimit: 1000,
    apiBurstLimit: 500,
    wafRateLimitPer5Min: 2000,
    apiTenantRequestsPerMinute: DEFAULT_API_RATE_LIMITS.tenantPerMinute,
    apiClientRequestsPerMinute: DEFAULT_API_RATE_LIMITS.clientPerMinute,
  },
};

/** Per-key overrides accepted from context, e.g. `-c publicBaseUrl=https://…`. */
type Overrides = Partial<
  Record<
    | 'publicBaseUrl'
    | 'dashboardOrigin'
    | 'smsMonthlySpendLimitUsd'
    | 'mentionRetentionDays'
    | 'comprehend'
    | 'demoSource',
    unknown
  >
>;

function isStageName(value: string): value is StageName {
  return (STAGE_NAMES as readonly string[]).includes(value);
}

function httpsOrigin(name: string, value: unknown): string {
  if (typeof value !== 'string' || !/^https:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(value)) {
    throw new ConfigError(`${name} must be an https origin without a path, got '${String(value)}'`);
  }
  return value;
}

function positiveNumber(name: string, value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new ConfigError(`${name} must be a positive number, got '${String(value)}'`);
  }
  return n;
}

function flag(name: string, value: unknown): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ConfigError(`${name} must be true or false, got '${String(value)}'`);
}

/**
 * An agency limit above the stage throttle would never be reached (the stage's 429 comes first,
 * shared by everyone), and a client limit above its agency's would never apply.
 */
function checkApiLimits(
  stage: Pick<
    StageConfig,
    'stage' | 'apiRateLimit' | 'apiTenantRequestsPerMinute' | 'apiClientRequestsPerMinute'
  >,
): void {
  const tenant = stage.apiTenantRequestsPerMinute;
  const client = stage.apiClientRequestsPerMinute;
  for (const [name, value] of [
    ['apiTenantRequestsPerMinute', tenant],
    ['apiClientRequestsPerMinute', client],
  ] as const) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new ConfigError(`${stage.stage}: ${name} must be a positive integer, got ${value}`);
    }
  }
  if (tenant >= stage.apiRateLimit * 60) {
    throw new ConfigError(
      `${stage.stage}: apiTenantRequestsPerMinute (${tenant}) must stay below the stage throttle (${stage.apiRateLimit * 60}/min), or one agency can take the whole stage`,
    );
  }
  if (client > tenant) {
    throw new ConfigError(
      `${stage.stage}: apiClientRequestsPerMinute (${client}) must not exceed apiTenantRequestsPerMinute (${tenant})`,
    );
  }
}

/**
 * Resolves and validates the deployment. `stage`/`region` come from context (strings from the
 * CLI); an unknown value throws a ConfigError that lists the accepted ones.
 */
function resolveConfig(
  stageInput: unknown,
  regionInput: unknown,
  overrides: Overrides = {},
): DeploymentConfig {
  const stageName = stageInput === undefined ? 'dev' : String(stageInput);
  const region = regionInput === undefined ? 'ap-southeast-3' : String(regionInput);
  if (!isStageName(stageName)) {
    throw new ConfigError(`Unknown stage '${stageName}': use -c stage=<${STAGE_NAMES.join('|')}>`);
  }
  const capabilities = REGION_CAPABILITIES[region];
  if (capabilities === undefined) {
    throw new ConfigError(
      `Unknown or unsupported region '${region}': use -c region=<${Object.keys(REGION_CAPABILITIES).join('|')}> (add a region to REGION_CAPABILITIES in infra/config.ts after checking its Comprehend and SMS availability)`,
    );
  }
  const base = STAGES[stageName];
  checkApiLimits(base);
  const demoSource =
    overrides.demoSource === undefined ? base.demoSource : flag('demoSource', overrides.demoSource);
  const comprehendWanted =
    overrides.comprehend === undefined
      ? base.comprehendWanted
      : flag('comprehend', overrides.comprehend);
  const stage: StageConfig = {
    ...base,
    comprehendWanted,
    demoSource,
    publicBaseUrl:
      overrides.publicBaseUrl === undefined
        ? undefined
        : httpsOrigin('publicBaseUrl', overrides.publicBaseUrl),
    dashboardOrigin:
      overrides.dashboardOrigin === undefined
        ? undefined
        : httpsOrigin('dashboardOrigin', overrides.dashboardOrigin),
    smsMonthlySpendLimitUsd: positiveNumber(
      'smsMonthlySpendLimitUsd',
      overrides.smsMonthlySpendLimitUsd ?? base.smsMonthlySpendLimitUsd,
    ),
    mentionRetentionDays: positiveNumber(
      'mentionRetentionDays',
      overrides.mentionRetentionDays ?? base.mentionRetentionDays,
    ),
    schedules: demoSource ? [...BASE_SCHEDULES, DEMO_SCHEDULE] : BASE_SCHEDULES,
  };
  return {
    ...stage,
    region,
    capabilities,
    comprehendEnabled: stage.comprehendWanted && capabilities.comprehend,
    stackName: `Pantau-${stageName}-${region}`,
  };
}

/** Reads stage, region and overrides from a construct's context (the App's, in practice). */
function configFromContext(tryGetContext: (key: string) => unknown): DeploymentConfig {
  return resolveConfig(tryGetContext('stage'), tryGetContext('region'), {
    publicBaseUrl: tryGetContext('publicBaseUrl'),
    dashboardOrigin: tryGetContext('dashboardOrigin'),
    smsMonthlySpendLimitUsd: tryGetContext('smsMonthlySpendLimitUsd'),
    mentionRetentionDays: tryGetContext('mentionRetentionDays'),
    comprehend: tryGetContext('comprehend'),
    demoSource: tryGetContext('demoSource'),
  });
}

export type {
  DeploymentConfig,
  Overrides,
  RegionCapabilities,
  SourceSchedule,
  StageConfig,
  StageName,
};
export { checkApiLimits, configFromContext, REGION_CAPABILITIES, resolveConfig, STAGE_NAMES };
