/**
 * cdk-nag (AwsSolutions + Serverless packs, registered as validation plugins by infra/pantau-app.ts)
 * over the prod stack in Jakarta: the strictest configuration (customer KMS table, retained data).
 * A new finding fails `no unacknowledged findings`; a new acknowledgement fails the listing test
 * until someone adds it here on purpose.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectAcknowledgements } from './acknowledgements.ts';
import { type Synthesized, synthPantau } from './synth.ts';

let prod: Synthesized;

beforeAll(() => {
  prod = synthPantau({ region: 'ap-southeast-3', stage: 'prod' });
}, 180_000);

/** One line per distinct acknowledgement, with per-source and logical-id detail folded. */
function normalizedListing(): string[] {
  const lines = collectAcknowledgements(prod.app).map((a) => {
    const where = a.path
      .replace(`${prod.stack.stackName}/`, '')
      .replace(/collect-[a-z-]+/, 'collect-<source>')
      .replace(/schedule-[a-z-]+-role/, 'schedule-<source>-role')
      .replace(/^Custom::CDKBucketDeployment[0-9A-F]{32}/, 'Custom::CDKBucketDeployment<hash>');
    const id = a.id
      .replace(/<[A-Za-z0-9]+\.Arn>/g, '<LogicalId.Arn>')
      .replace(/sources\/[a-z-]+\/\*/, 'sources/<source>/*');
    return `${where} | ${id}`;
  });
  return [...new Set(lines)].sort();
}

describe('cdk-nag: prod in Jakarta', () => {
  it('has no unacknowledged finding, error or warning, in either pack', () => {
    const findings = prod.nagPacks.flatMap((pack) =>
      pack
        .validateScope(prod.app)
        .violations.map(
          (v) =>
            `${v.severity} ${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`,
        ),
    );
    expect(findings).toEqual([]);
  });

  it('the synth validation report lists no violations', () => {
    const report = JSON.parse(
      readFileSync(path.join(prod.outdir, 'validation-report.json'), 'utf8'),
    );
    const violations = (report.pluginReports as { violations?: unknown[] }[]).flatMap(
      (r) => r.violations ?? [],
    );
    expect(violations).toEqual([]);
  });

  it('gives every acknowledgement a specific reason', () => {
    const acks = collectAcknowledgements(prod.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThanOrEqual(60);
      expect(a.reason, `${a.path} ${a.id}`).not.toMatch(/^(n\/a|todo|suppress|ok)\b/i);
    }
  });

  it('acknowledges exactly these findings', () => {
    expect(normalizedListing()).toEqual([
      'AWS679f53fac002430cb0da5b7982bd2287 | AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AWS679f53fac002430cb0da5b7982bd2287 | AwsSolutions-L1',
      'AWS679f53fac002430cb0da5b7982bd2287 | Serverless-LambdaDLQ',
      'AWS679f53fac002430cb0da5b7982bd2287 | Serverless-LambdaDefaultMemorySize',
      'AWS679f53fac002430cb0da5b7982bd2287 | Serverless-LambdaTracing',
      'Alerting/SmsDeliveryStatusRole | AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:ap-southeast-3:<AWS::AccountId>:log-group:sns/ap-southeast-3/<AWS::AccountId>/*:log-stream:*]',
      'Alerting/SmsDeliveryStatusRole | AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:ap-southeast-3:<AWS::AccountId>:log-group:sns/ap-southeast-3/<AWS::AccountId>/*]',
      'Alerting/SmsSettings | AwsSolutions-IAM5[Resource::*]',
      'Api/CursorSecret | AwsSolutions-SMG4',
      'Api/RestApi | AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      'Api/RestApi/Default/OPTIONS | AwsSolutions-APIG4',
      'Api/RestApi/Default/OPTIONS | AwsSolutions-COG4',
      'Api/RestApi/Default/health | AwsSolutions-APIG4',
      'Api/RestApi/Default/health | AwsSolutions-COG4',
      'Api/RestApi/Default/health/OPTIONS | AwsSolutions-APIG4',
      'Api/RestApi/Default/health/OPTIONS | AwsSolutions-COG4',
      'Api/RestApi/Default/v1/OPTIONS | AwsSolutions-APIG4',
      'Api/RestApi/Default/v1/OPTIONS | AwsSolutions-COG4',
      'Api/RestApi/Default/v1/{proxy+}/OPTIONS | AwsSolutions-APIG4',
      'Api/RestApi/Default/v1/{proxy+}/OPTIONS | AwsSolutions-COG4',
      'Api/UserPool | AwsSolutions-COG3',
      'Api/UserPool | AwsSolutions-COG8',
      'Api/api/Function | AwsSolutions-L1',
      'Api/api/Function | Serverless-LambdaDLQ',
      'Api/api/Function | Serverless-LambdaLatestVersion',
      'Api/api/Function/ServiceRole | AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'Api/api/Function/ServiceRole | AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'Api/api/Function/ServiceRole | AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      'Api/api/Function/ServiceRole | AwsSolutions-IAM5[Resource::*]',
      'Api/api/Function/ServiceRole | AwsSolutions-IAM5[Resource::<LogicalId.Arn>/index/*]',
      // Pre-token trigger: house function findings only; it reads nothing but the event.
      'Api/preToken/Function | AwsSolutions-L1',
      'Api/preToken/Function | Serverless-LambdaDLQ',
      'Api/preToken/Function | Serverless-LambdaLatestVersion',
      'Api/preToken/Function/ServiceRole | AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'Api/preToken/Function/ServiceRole | AwsSolutions-IAM5[Resource::*]',
      'Collectors/FailureDlq | AwsSolutions-SQS3',
      'Collectors/FailureDlq | Serverless-SQSRedrivePolicy',
      'Collectors/SchedulerDlq | AwsSolutions-SQS3',
      'Collectors/SchedulerDlq | Serverless-SQSRedrivePolicy',
      'Collectors/collect-<source>/Function | AwsSolutions-L1',
      'Collectors/collect-<source>/Function | Serverless-LambdaDLQ',
      'Collectors/collect-<source>/Function | Serverless-LambdaLatestVersion',
      'Collectors/collect-<source>/Function/ServiceRole | AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'Collectors/collect-<source>/Function/ServiceRole | AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'Collectors/collect-<source>/Function/ServiceRole | AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      'Collectors/collect-<source>/Function/ServiceRole | AwsSolutions-IAM5[Resource::*]',
      'Collectors/collect-<source>/Function/ServiceRole | AwsSolutions-IAM5[Resource::<LogicalId.Arn>/index/*]',
      'Collectors/collect-<source>/Function/ServiceRole | AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:ap-southeast-3:<AWS::AccountId>:key/*]',
      'Collectors/collect-<source>/Function/ServiceRole | AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:ap-southeast-3:<AWS::AccountId>:parameter/pantau/prod/sources/<source>/*]',
      'Collectors/schedule-<source>-role | AwsSolutions-IAM5[Resource::<LogicalId.Arn>:*]',
      // BucketDeployment's CDK singleton handler, acknowledged by infra/constructs/dashboard-site.ts.
      'Custom::CDKBucketDeployment<hash>512MiB | AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'Custom::CDKBucketDeployment<hash>512MiB | AwsSolutions-IAM5[Action::s3:Abort*]',
      'Custom::CDKBucketDeployment<hash>512MiB | AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      'Custom::CDKBucketDeployment<hash>512MiB | AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'Custom::CDKBucketDeployment<hash>512MiB | AwsSolutions-IAM5[Action::s3:GetObject*]',
      'Custom::CDKBucketDeployment<hash>512MiB | AwsSolutions-IAM5[Action::s3:List*]',
      'Custom::CDKBucketDeployment<hash>512MiB | AwsSolutions-IAM5[Resource::*]',
      'Custom::CDKBucketDeployment<hash>512MiB | AwsSolutions-IAM5[Resource::<LogicalId.Arn>/*]',
      'Custom::CDKBucketDeployment<hash>512MiB | AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-ap-southeast-3/*]',
      'Custom::CDKBucketDeployment<hash>512MiB | AwsSolutions-L1',
      'Custom::CDKBucketDeployment<hash>512MiB | Serverless-LambdaDLQ',
      'Custom::CDKBucketDeployment<hash>512MiB | Serverless-LambdaDefaultMemorySize',
      'Custom::CDKBucketDeployment<hash>512MiB | Serverless-LambdaLatestVersion',
      'Custom::CDKBucketDeployment<hash>512MiB | Serverless-LambdaTracing',
      // Dashboard: no geo restriction, no global WAF yet, default certificate; log bucket not self-logged.
      'Dashboard/Distribution | AwsSolutions-CFR1',
      'Dashboard/Distribution | AwsSolutions-CFR2',
      'Dashboard/Distribution | AwsSolutions-CFR4',
      'Dashboard/Logs | AwsSolutions-S1',
      // CDK's own acknowledgement on a bucket that allows ACL log delivery (aws-s3 Bucket).
      'Dashboard/Logs | CloudFormation-Validate::W3045',
      'Streams/DetectDlq | AwsSolutions-SQS3',
      'Streams/DetectDlq | Serverless-SQSRedrivePolicy',
      'Streams/ScoreDlq | AwsSolutions-SQS3',
      'Streams/ScoreDlq | Serverless-SQSRedrivePolicy',
      'Streams/detect/Function | AwsSolutions-L1',
      'Streams/detect/Function | Serverless-LambdaDLQ',
      'Streams/detect/Function | Serverless-LambdaLatestVersion',
      'Streams/detect/Function/ServiceRole | AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'Streams/detect/Function/ServiceRole | AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'Streams/detect/Function/ServiceRole | AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      'Streams/detect/Function/ServiceRole | AwsSolutions-IAM5[Resource::*]',
      'Streams/detect/Function/ServiceRole | AwsSolutions-IAM5[Resource::<LogicalId.Arn>/index/*]',
      'Streams/score/Function | AwsSolutions-L1',
      'Streams/score/Function | Serverless-LambdaDLQ',
      'Streams/score/Function | Serverless-LambdaLatestVersion',
      'Streams/score/Function/ServiceRole | AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'Streams/score/Function/ServiceRole | AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'Streams/score/Function/ServiceRole | AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      'Streams/score/Function/ServiceRole | AwsSolutions-IAM5[Resource::*]',
      'Streams/score/Function/ServiceRole | AwsSolutions-IAM5[Resource::<LogicalId.Arn>/index/*]',
    ]);
  });
});

describe('Stack: prod data protection', () => {
  it('retains the table, protects it from deletion and encrypts it with a rotating customer key', () => {
    prod.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        DeletionProtectionEnabled: true,
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: Match.anyValue(),
        },
      }),
    });
    const keys = prod.template.findResources('AWS::KMS::Key', {
      Properties: { Description: 'Pantau prod table encryption' },
    });
    expect(Object.values(keys)).toHaveLength(1);
    expect(Object.values(keys)[0]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true },
    });
  });

  it('turns on termination protection and keeps logs for a year', () => {
    expect(prod.stack.terminationProtection).toBe(true);
    for (const group of Object.values(prod.template.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(365);
    }
  });

  it('schedules no demo collector', () => {
    prod.template.resourceCountIs('AWS::Scheduler::Schedule', 6);
    expect(JSON.stringify(prod.template.toJSON())).not.toContain('"COLLECT_SOURCE":"demo"');
  });
});
