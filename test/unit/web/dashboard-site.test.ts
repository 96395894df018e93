/**
 * The DashboardSite construct on its own stack: private bucket behind CloudFront with origin
 * access control, security headers, config.json for Cognito, and cdk-nag clean.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardSite } from '../../../infra/constructs/dashboard-site.ts';

describe('DashboardSite', () => {
  let app: App;
  let template: Template;
  let packs: (AwsSolutionsChecks | ServerlessChecks)[];
  const outdir = mkdtempSync(join(tmpdir(), 'pantau-site-'));

  beforeAll(() => {
    app = new App({ outdir });
    packs = [new AwsSolutionsChecks(app), new ServerlessChecks(app)];
    Validations.of(app).addPlugins(...packs);
    const stack = new Stack(app, 'SiteTest', {
      env: { account: '111111111111', region: 'ap-southeast-3' },
    });
    const pool = new cognito.UserPool(stack, 'Pool');
    Validations.of(pool).acknowledge(
      { id: 'AwsSolutions-COG1', reason: 'test fixture: the real pool is the agency API one' },
      { id: 'AwsSolutions-COG2', reason: 'test fixture: the real pool is the agency API one' },
      { id: 'AwsSolutions-COG3', reason: 'test fixture: the real pool is the agency API one' },
      { id: 'AwsSolutions-COG8', reason: 'test fixture: the real pool is the agency API one' },
    );
    new DashboardSite(stack, 'Dashboard', {
      stage: 'prod',
      apiUrl: 'https://abc123.execute-api.ap-southeast-3.amazonaws.com/prod/',
      userPool: pool,
      hostedUiBaseUrl: 'https://pantau-prod.auth.ap-southeast-3.amazoncognito.com',
      retainData: true,
    });
    template = Template.fromStack(stack);
  }, 120_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('keeps the site bucket private, TLS-only, encrypted and logged', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.objectLike({}),
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 's3/' }),
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('reads the bucket through CloudFront origin access control only', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
  });

  it('rewrites SMS alert links /a/<REF> to the app', () => {
    const fns = Object.values(template.findResources('AWS::CloudFront::Function')) as {
      Properties: { FunctionCode: string };
    }[];
    expect(fns).toHaveLength(1);
    const code = fns[0]?.Properties.FunctionCode ?? '';
    const handler = new Function(`${code}; return handler;`)() as (e: {
      request: { uri: string };
    }) => { uri: string };
    expect(handler({ request: { uri: '/a/K7QX2MZP' } }).uri).toBe('/index.html');
    expect(handler({ request: { uri: '/assets/main-X.js' } }).uri).toBe('/assets/main-X.js');
    expect(handler({ request: { uri: '/a/K7/../x' } }).uri).toBe('/a/K7/../x');
  });

  it('sends a strict CSP that allows only the API and Cognito token endpoint to be fetched', () => {
    const policies = template.findResources('AWS::CloudFront::ResponseHeadersPolicy');
    const policy = Object.values(policies)[0] as {
      Properties: {
        ResponseHeadersPolicyConfig: {
          SecurityHeadersConfig: Record<string, Record<string, unknown>>;
        };
      };
    };
    const sec = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = String(sec.ContentSecurityPolicy?.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(
      "connect-src 'self' https://abc123.execute-api.ap-southeast-3.amazonaws.com/prod/ https://pantau-prod.auth.ap-southeast-3.amazoncognito.com/oauth2/token",
    );
    expect(csp).not.toContain('unsafe');
    expect(sec.FrameOptions?.FrameOption).toBe('DENY');
    expect(sec.StrictTransportSecurity?.AccessControlMaxAgeSec).toBe(31_536_000);
  });

  it('creates a public PKCE app client whose callback is the distribution', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'pantau/read', 'pantau/write'],
      CallbackURLs: [
        { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.anyValue(), 'DomainName'] }, '/']] },
      ],
    });
  });

  it('deploys the built bundle (immutable assets) and config.json (revalidated)', () => {
    const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment')) as {
      Properties: Record<string, unknown>;
    }[];
    expect(deployments).toHaveLength(2);
    const props = deployments.map((d) => d.Properties);
    expect(props.map((p) => p.SystemMetadata)).toEqual(
      expect.arrayContaining([
        { 'cache-control': 'public, max-age=31536000, immutable' },
        { 'cache-control': 'no-cache' },
      ]),
    );
    expect(props.every((p) => p.Prune === false)).toBe(true);
    const pages = props.find((p) => Array.isArray(p.DistributionPaths));
    expect(pages?.DistributionPaths).toEqual(['/index.html', '/config.json', '/']);
    // config.json is a second source whose markers are the client id and callback URL tokens.
    expect(JSON.stringify(pages?.SourceMarkers)).toMatch(/UserPoolClient|DashboardClient/);
  });

  it('has no unacknowledged cdk-nag finding of its own', () => {
    // The user pool is the test's stand-in for the agency API's pool and has its own findings.
    const findings = packs.flatMap((pack) =>
      pack.validateScope(app).violations.flatMap((v) =>
        v.violatingResources
          .map((r) => r.constructPath ?? '')
          .filter((path) => !path.startsWith('SiteTest/Pool/'))
          .map((path) => `${v.ruleName} ${path}`),
      ),
    );
    expect(findings).toEqual([]);
  });
});
