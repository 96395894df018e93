import { describe, expect, it } from 'vitest';
import { REGION_CAPABILITIES, resolveConfig } from '../../infra/config.ts';
import { ConfigError } from '../../lib/domain/errors.ts';

describe('Function: resolveConfig', () => {
  it('defaults to dev in Jakarta', () => {
    const config = resolveConfig(undefined, undefined);
    expect(config.stage).toBe('dev');
    expect(config.region).toBe('ap-southeast-3');
    expect(config.stackName).toBe('Pantau-dev-ap-southeast-3');
  });

  it('rejects an unknown stage with the accepted values', () => {
    expect(() => resolveConfig('production', 'ap-southeast-3')).toThrow(ConfigError);
    expect(() => resolveConfig('production', 'ap-southeast-3')).toThrow(
      "Unknown stage 'production': use -c stage=<dev|staging|prod>",
    );
  });

  it('rejects a region missing from the capability table', () => {
    expect(() => resolveConfig('dev', 'ap-southeast-5')).toThrow(ConfigError);
    expect(() => resolveConfig('dev', 'ap-southeast-5')).toThrow(
      /Unknown or unsupported region 'ap-southeast-5'/,
    );
  });

  it('covers the regions the deployment guide documents', () => {
    for (const region of [
      'ap-southeast-3',
      'ap-southeast-1',
      'ap-northeast-1',
      'us-east-1',
      'eu-west-1',
    ]) {
      expect(REGION_CAPABILITIES[region], region).toBeDefined();
    }
  });

  it('disables Comprehend in Jakarta even when the stage wants it', () => {
    const config = resolveConfig('prod', 'ap-southeast-3');
    expect(config.comprehendWanted).toBe(true);
    expect(config.capabilities.comprehend).toBe(false);
    expect(config.comprehendEnabled).toBe(false);
  });

  it('enables Comprehend in Singapore unless the stage opts out', () => {
    expect(resolveConfig('prod', 'ap-southeast-1').comprehendEnabled).toBe(true);
    expect(resolveConfig('prod', 'ap-southeast-1', { comprehend: 'false' }).comprehendEnabled).toBe(
      false,
    );
  });

  it('schedules the demo collector only where the stage enables it', () => {
    const sources = (stage: string, demo?: string) =>
      resolveConfig(stage, 'ap-southeast-3', { demoSource: demo }).schedules.map((s) => s.source);
    expect(sources('dev')).toContain('demo');
    expect(sources('prod')).not.toContain('demo');
    expect(sources('dev', 'false')).not.toContain('demo');
    expect(sources('prod')).toEqual(['rss', 'google-news', 'x', 'bluesky', 'mastodon', 'youtube']);
  });

  it('collects news every 15 min, X and Bluesky every 5, Mastodon every 10, YouTube hourly', () => {
    const every = Object.fromEntries(
      resolveConfig('prod', 'ap-southeast-3').schedules.map((s) => [s.source, s.everyMinutes]),
    );
    expect(every).toEqual({
      rss: 15,
      'google-news': 15,
      x: 5,
      bluesky: 5,
      mastodon: 10,
      youtube: 60,
    });
  });

  it('validates overrides from context', () => {
    expect(() => resolveConfig('dev', 'ap-southeast-3', { dashboardOrigin: '*' })).toThrow(
      /dashboardOrigin must be an https origin/,
    );
    expect(() =>
      resolveConfig('dev', 'ap-southeast-3', { dashboardOrigin: 'https://a.example/path' }),
    ).toThrow(ConfigError);
    expect(() => resolveConfig('dev', 'ap-southeast-3', { smsMonthlySpendLimitUsd: '-1' })).toThrow(
      /smsMonthlySpendLimitUsd must be a positive number/,
    );
    expect(() => resolveConfig('dev', 'ap-southeast-3', { demoSource: 'maybe' })).toThrow(
      /demoSource must be true or false/,
    );
    const config = resolveConfig('dev', 'ap-southeast-3', {
      dashboardOrigin: 'https://dashboard.kominfo.go.id',
      smsMonthlySpendLimitUsd: '50',
      mentionRetentionDays: '120',
    });
    expect(config.dashboardOrigin).toBe('https://dashboard.kominfo.go.id');
    expect(config.smsMonthlySpendLimitUsd).toBe(50);
    expect(config.mentionRetentionDays).toBe(120);
  });

  it('keeps prod data: retain, customer-managed table key', () => {
    const prod = resolveConfig('prod', 'ap-southeast-3');
    expect(prod.retainData).toBe(true);
    expect(prod.tableEncryption).toBe('customer-kms');
    expect(prod.mentionRetentionDays).toBe(90);
  });
});
