/**
 * The api function's own rate limits in the template: the limits reach it as environment, below
 * the stage throttle, and its role may UpdateItem on the table (the counters) without any grant
 * beyond the table and its indexes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkApiLimits, resolveConfig, STAGE_NAMES } from '../../infra/config.ts';
import { DEFAULT_API_RATE_LIMITS, loadConfig } from '../../lib/runtime/config.ts';
import { resourcesOf, type Synthesized, synthPantau } from './synth.ts';

interface Statement {
  Action: string | string[];
  Effect: string;
  Resource: unknown;
}

let jkt: Synthesized;

beforeAll(() => {
  jkt = synthPantau({ region: 'ap-southeast-3', stage: 'dev' });
}, 180_000);

function apiFunction() {
  const found = Object.entries(resourcesOf(jkt.template, 'AWS::Lambda::Function')).filter(
    ([, f]) =>
      (f.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
        ?.AUTH_MODE === 'cognito',
  );
  expect(found).toHaveLength(1);
  return found[0] as [string, { Properties: Record<string, unknown> }];
}

describe('Construct: AgencyApi rate limits', () => {
  it('gives the api function its per-agency and per-client limits, and no other function', () => {
    const [, fn] = apiFunction();
    const vars = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(vars.PANTAU_API_TENANT_RPM).toBe(String(DEFAULT_API_RATE_LIMITS.tenantPerMinute));
    expect(vars.PANTAU_API_CLIENT_RPM).toBe(String(DEFAULT_API_RATE_LIMITS.clientPerMinute));
    // What the function reads is what the stack set.
    const limits = loadConfig({
      TABLE_NAME: 't',
      PANTAU_API_TENANT_RPM: String(vars.PANTAU_API_TENANT_RPM),
      PANTAU_API_CLIENT_RPM: String(vars.PANTAU_API_CLIENT_RPM),
    }).apiRateLimits;
    expect(limits).toEqual(DEFAULT_API_RATE_LIMITS);
    const others = Object.values(resourcesOf(jkt.template, 'AWS::Lambda::Function')).filter(
      (f) =>
        (f.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
          ?.PANTAU_API_TENANT_RPM !== undefined,
    );
    expect(others).toHaveLength(1);
  });

  it('lets the api role UpdateItem on the table and its indexes only', () => {
    const [, fn] = apiFunction();
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = Object.values(resourcesOf(jkt.template, 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    const updates = statements.filter((s) =>
      (Array.isArray(s.Action) ? s.Action : [s.Action]).includes('dynamodb:UpdateItem'),
    );
    expect(updates).toHaveLength(1);
    const tableId = Object.keys(jkt.template.findResources('AWS::DynamoDB::Table'))[0] as string;
    expect(updates[0]?.Effect).toBe('Allow');
    expect(JSON.stringify(updates[0]?.Resource)).toBe(
      JSON.stringify([
        { 'Fn::GetAtt': [tableId, 'Arn'] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/*']] },
      ]),
    );
  });
});

describe('Config: API limits', () => {
  it('every stage keeps an agency below the stage throttle and a client within its agency', () => {
    for (const stage of STAGE_NAMES) {
      const c = resolveConfig(stage, 'ap-southeast-3');
      expect(c.apiTenantRequestsPerMinute).toBeLessThan(c.apiRateLimit * 60);
      expect(c.apiClientRequestsPerMinute).toBeLessThanOrEqual(c.apiTenantRequestsPerMinute);
    }
  });

  it('rejects limits an agency could never reach or a client could never hit', () => {
    const base = {
      stage: 'dev' as const,
      apiRateLimit: 1000,
      apiTenantRequestsPerMinute: 12_000,
      apiClientRequestsPerMinute: 6_000,
    };
    expect(() => checkApiLimits(base)).not.toThrow();
    expect(() => checkApiLimits({ ...base, apiTenantRequestsPerMinute: 60_000 })).toThrow(
      /below the stage throttle/,
    );
    expect(() => checkApiLimits({ ...base, apiClientRequestsPerMinute: 12_001 })).toThrow(
      /must not exceed apiTenantRequestsPerMinute/,
    );
    expect(() => checkApiLimits({ ...base, apiClientRequestsPerMinute: 0 })).toThrow(
      /positive integer/,
    );
  });

  it('reads the limits from the environment and refuses nonsense', () => {
    expect(loadConfig({ TABLE_NAME: 't' }).apiRateLimits).toEqual(DEFAULT_API_RATE_LIMITS);
    expect(
      loadConfig({ TABLE_NAME: 't', PANTAU_API_TENANT_RPM: '300', PANTAU_API_CLIENT_RPM: '60' })
        .apiRateLimits,
    ).toEqual({ tenantPerMinute: 300, clientPerMinute: 60 });
    for (const bad of ['0', '-5', '2.5', 'lots']) {
      expect(() => loadConfig({ TABLE_NAME: 't', PANTAU_API_CLIENT_RPM: bad })).toThrow(
        /PANTAU_API_CLIENT_RPM must be/,
      );
    }
  });
});
