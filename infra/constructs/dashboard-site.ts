/**
 * The officials' dashboard in AWS: a private S3 bucket behind CloudFront (origin access control,
 * no public access, TLS only), security headers on every response, the esbuild bundle deployed
 * with BucketDeployment, and a config.json that points the app at the API and at Cognito's
 * hosted UI. Officials are user-pool users who sign in with the authorization code flow and PKCE
 * through an app client created here, because its callback URL is this distribution.
 */
import {
  AssetHashType,
  DockerImage,
  Duration,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildDashboardSync, WEB_DIR } from '../../web/build.ts';

interface DashboardSiteProps {
  readonly stage: string;
  /** The agency API's base URL, e.g. `api.url` of a RestApi (a token is fine). */
  readonly apiUrl: string;
  /** The user pool officials belong to. */
  readonly userPool: cognito.IUserPool;
  /** Hosted UI base URL, e.g. `userPoolDomain.baseUrl()`. */
  readonly hostedUiBaseUrl: string;
  /** OAuth scopes the dashboard asks for; the custom ones must exist on the pool's resource server. */
  readonly scopes?: readonly string[];
  /** Seconds between refreshes while an alert is open. */
  readonly refreshSeconds?: number;
  /** Keep the buckets when the stack is deleted (prod). */
  readonly retainData?: boolean;
  /** An AWS WAF web ACL (global, us-east-1) for the distribution, if the deployment has one. */
  readonly webAclArn?: string;
  /** Use a folder built beforehand instead of building at synth (CI artefacts, tests). */
  readonly assetsDir?: string;
}

const DEFAULT_SCOPES = ['openid', 'email', 'pantau/read', 'pantau/write'];

/** The hashed bundle is immutable; index.html and config.json must be revalidated every time. */
const IMMUTABLE = s3deploy.CacheControl.fromString('public, max-age=31536000, immutable');
const REVALIDATE = s3deploy.CacheControl.fromString('no-cache');

function originOf(url: string): string {
  // Tokens cannot be parsed at synth; CSP accepts a source with a path, which is just stricter.
  return url.replace(/\/+$/, '');
}

/** Same policy as the local server, with the API and Cognito's token endpoint allowed to fetch. */
function contentSecurityPolicy(apiUrl: string, hostedUiBaseUrl: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${originOf(apiUrl)}/ ${originOf(hostedUiBaseUrl)}/oauth2/token`,
    "font-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    `form-action 'self' ${originOf(hostedUiBaseUrl)}/`,
    "frame-ancestors 'none'",
  ].join('; ');
}

class DashboardSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly client: cognito.UserPoolClient;
  /** `https://<distribution>/`: the link SMS and email use as `${url}#/alerts/<alertId>`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: DashboardSiteProps) {
    super(scope, id);
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const autoDelete = !props.retainData;

    // CloudFront standard logs are written with ACLs, so this bucket alone allows object writers.
    this.logBucket = new s3.Bucket(this, 'Logs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy,
      autoDeleteObjects: autoDelete,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket of the dashboard bucket and distribution; logging it into itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      removalPolicy,
      autoDeleteObjects: autoDelete,
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `Pantau ${props.stage} dashboard security headers`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.apiUrl, props.hostedUiBaseUrl),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER,
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
          {
            header: 'Permissions-Policy',
            value: 'camera=(), microphone=(), geolocation=()',
            override: true,
          },
        ],
      },
    });

    // SMS and email link to /a/<REF>; the app resolves the reference, so serve it there too.
    const alertLinks = new cloudfront.Function(this, 'AlertLinks', {
      comment: 'Pantau dashboard: /a/<REF> alert links open index.html',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        [
          'function handler(event) {',
          '  var request = event.request;',
          '  if (/^\\/a\\/[A-Za-z0-9]{1,32}\\/?$/.test(request.uri)) request.uri = "/index.html";',
          '  return request;',
          '}',
        ].join('\n'),
      ),
    });
    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Pantau ${props.stage} dashboard`,
      defaultRootObject: 'index.html',
      // index.html and config.json: small, and must change the moment a deployment does.
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        responseHeadersPolicy: headers,
        compress: true,
        functionAssociations: [
          { function: alertLinks, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: {
        'assets/*': {
          origin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: headers,
          compress: true,
        },
      },
      // Hash routes need no SPA rewrite; a missing file is a plain 404.
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      webAclId: props.webAclArn,
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'Officials travel and agencies serve citizens abroad; the dashboard needs sign-in, so a geo restriction adds no protection worth locking them out.',
      },
      ...(props.webAclArn
        ? []
        : [
            {
              id: 'AwsSolutions-CFR2',
              reason:
                'Static files only; every data request goes to the API, which has its own regional WAF. Pass webAclArn to attach a global web ACL.',
            },
          ]),
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate is used until the agency attaches its own domain; CloudFront then negotiates TLS 1.2+ per the minimumProtocolVersion set here.',
      },
    );
    this.url = `https://${this.distribution.distributionDomainName}/`;

    const scopes = props.scopes ?? DEFAULT_SCOPES;
    this.client = props.userPool.addClient('DashboardClient', {
      userPoolClientName: `pantau-${props.stage}-dashboard`,
      // A browser cannot keep a secret: public client, code flow with PKCE only.
      generateSecret: false,
      authFlows: { userSrp: true },
      // Never the tenant (custom:tenant_id is the API's tenant boundary): only the language.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ locale: true }),
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: scopes.map((s) => cognito.OAuthScope.custom(s)),
        callbackUrls: [this.url],
        logoutUrls: [this.url],
      },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });

    const config = {
      apiUrl: originOf(props.apiUrl),
      auth: {
        mode: 'cognito',
        domain: originOf(props.hostedUiBaseUrl),
        clientId: this.client.userPoolClientId,
        redirectUri: this.url,
        scopes,
      },
      refreshSeconds: props.refreshSeconds ?? 30,
      stage: props.stage,
    };

    const site = props.assetsDir
      ? s3deploy.Source.asset(props.assetsDir)
      : s3deploy.Source.asset(WEB_DIR, {
          assetHashType: AssetHashType.OUTPUT,
          bundling: {
            // Bundled in-process with esbuild; the image is only CDK's required fallback.
            image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
            local: {
              tryBundle(outputDir: string) {
                buildDashboardSync({ outDir: outputDir });
                return true;
              },
            },
          },
        });
    // Two deployments, neither pruning: hashed assets of the previous release stay for pages
    // still open on officials' phones, and each deployment would otherwise delete the other's files.
    const assets = new s3deploy.BucketDeployment(this, 'DeployAssets', {
      destinationBucket: this.bucket,
      sources: [site],
      exclude: ['index.html'],
      cacheControl: [IMMUTABLE],
      prune: false,
      memoryLimit: 512,
    });
    const pages = new s3deploy.BucketDeployment(this, 'DeployPages', {
      destinationBucket: this.bucket,
      sources: [site, s3deploy.Source.jsonData('config.json', config)],
      exclude: ['assets/*'],
      cacheControl: [REVALIDATE],
      prune: false,
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json', '/'],
      memoryLimit: 512,
    });
    // index.html must never name an asset that is not there yet.
    pages.node.addDependency(assets);
    this.acknowledgeDeploymentHandler();
  }

  /** BucketDeployment runs CDK's own singleton Lambda, created at stack level, not under this. */
  private acknowledgeDeploymentHandler(): void {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((c) =>
      c.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (handler === undefined) return;
    const why =
      'CDK-managed BucketDeployment handler that copies the dashboard files at deploy time';
    const part = (v: string, name: string) => (Token.isUnresolved(v) ? `<AWS::${name}>` : v);
    const siteBucketId = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    const wildcards = [
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${part(stack.account, 'AccountId')}-${part(stack.region, 'Region')}/*`,
      `Resource::<${siteBucketId}.Arn>/*`,
      'Resource::*',
    ];
    Validations.of(handler).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: `${why}; the managed policy only allows writing its own logs.`,
      },
      ...wildcards.map((w) => ({
        id: `AwsSolutions-IAM5[${w}]`,
        reason: `${why}; CDK's grant: read the CDK asset bucket, write the site bucket, invalidate the distribution (CloudFront has no resource-level invalidation ARN in this grant).`,
      })),
      { id: 'AwsSolutions-L1', reason: `${why}; CDK chooses and upgrades its runtime.` },
      { id: 'Serverless-LambdaDefaultMemorySize', reason: `${why}; sized by memoryLimit here.` },
      {
        id: 'Serverless-LambdaDLQ',
        reason: `${why}; invoked synchronously by CloudFormation, which reports a failure as a failed deployment.`,
      },
      {
        id: 'Serverless-LambdaLatestVersion',
        reason: `${why}; CDK chooses and upgrades its runtime.`,
      },
      {
        id: 'Serverless-LambdaTracing',
        reason: `${why}; one copy per deployment, nothing to trace.`,
      },
    );
  }
}

export type { DashboardSiteProps };
export { contentSecurityPolicy, DashboardSite };
