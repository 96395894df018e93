import { SNSClient } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { annotationsOf, createTracing } from '../../../lib/runtime/tracing.ts';

const LAMBDA_ENV = {
  AWS_LAMBDA_FUNCTION_NAME: 'pantau-score',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  POWERTOOLS_SERVICE_NAME: 'pantau',
  // Keeps this process's http module unpatched; the X-Ray test covers the default.
  POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS: 'false',
};

/** The Tracer reads the execution environment from process.env itself, so tests set it there. */
function useEnv(env: Record<string, string>): void {
  for (const key of ['AWS_LAMBDA_FUNCTION_NAME', 'AWS_EXECUTION_ENV', 'POWERTOOLS_TRACE_ENABLED']) {
    vi.stubEnv(key, '');
  }
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
}

function stack(client: SNSClient): string[] {
  return client.middlewareStack.identify();
}

function mentionRecord(fields: Record<string, string>, seq: string) {
  const image = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { S: v }]));
  return { eventName: 'INSERT', dynamodb: { SequenceNumber: seq, NewImage: image } };
}

describe('tracing', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('adds no middleware and leaves clients untouched outside Lambda', () => {
    // Prepare: the CLI, the local runtime (which names functions but is no Lambda), a stray flag.
    const envs: Record<string, string>[] = [
      {},
      { AWS_LAMBDA_FUNCTION_NAME: 'score' },
      { AWS_LAMBDA_FUNCTION_NAME: 'score', POWERTOOLS_TRACE_ENABLED: 'true' },
    ];
    for (const env of envs) {
      useEnv(env);
      const tracing = createTracing();
      const client = new SNSClient({ region: 'ap-southeast-3' });
      const before = stack(client);

      // Act
      const traced = tracing.traceAwsClient(client);

      // Assess
      expect(tracing.enabled, JSON.stringify(env)).toBe(false);
      expect(tracing.middleware()).toEqual([]);
      expect(traced).toBe(client);
      expect(stack(traced)).toEqual(before);
    }
  });

  it('traces the handler and every SDK call in Lambda, and can be switched off there', () => {
    // Prepare
    useEnv(LAMBDA_ENV);
    const tracing = createTracing();
    const client = new SNSClient({ region: 'ap-southeast-3' });
    const before = stack(client);

    // Act
    const traced = tracing.traceAwsClient(client);

    // Assess
    expect(tracing.enabled).toBe(true);
    expect(tracing.middleware()).toHaveLength(2);
    expect(traced).toBe(client);
    expect(before).not.toContain('XRaySDKInstrumentation - build');
    expect(stack(traced)).toContain('XRaySDKInstrumentation - build');
    useEnv({ ...LAMBDA_ENV, POWERTOOLS_TRACE_ENABLED: 'false' });
    const off = createTracing();
    expect(off.enabled).toBe(false);
    expect(off.middleware()).toEqual([]);
  });

  it('never records responses or error text, whatever the environment asks', () => {
    // Prepare
    useEnv({
      ...LAMBDA_ENV,
      POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'true',
      POWERTOOLS_TRACER_CAPTURE_ERROR: 'true',
    });

    // Act
    const { tracer } = createTracing();

    // Assess
    expect(tracer.isTracingEnabled()).toBe(true);
    expect((tracer as unknown as { captureResponse: boolean }).captureResponse).toBe(false);
    expect((tracer as unknown as { captureError: boolean }).captureError).toBe(false);
  });

  describe('annotationsOf', () => {
    it('takes the source of a collect event', () => {
      expect(annotationsOf({ source: 'rss', forceBurst: true })).toEqual({ source: 'rss' });
    });

    it('takes the tenant, issue and source a whole stream batch shares', () => {
      // Prepare
      const fields = {
        tenantId: 'kominfo',
        issueId: 'iss_beras',
        source: 'x',
        text: 'Harga beras naik, hubungi 081234567890',
        author: 'warga@example.id',
      };
      const event = { Records: [mentionRecord(fields, '1'), mentionRecord(fields, '2')] };

      // Act
      const out = annotationsOf(event);

      // Assess
      expect(out).toEqual({ tenantId: 'kominfo', issueId: 'iss_beras', source: 'x' });
    });

    it('leaves out what the records of a batch do not share', () => {
      const event = {
        Records: [
          mentionRecord({ tenantId: 'kominfo', issueId: 'a', source: 'x' }, '1'),
          mentionRecord({ tenantId: 'kominfo', issueId: 'b', source: 'rss' }, '2'),
          mentionRecord({ tenantId: 'kominfo' }, '3'),
        ],
      };
      expect(annotationsOf(event)).toEqual({ tenantId: 'kominfo' });
      expect(annotationsOf({ Records: [] })).toEqual({});
    });

    it('takes the issue of an API path and the tenant claim of an authorizer', () => {
      const event = {
        httpMethod: 'GET',
        path: '/v1/issues/iss_01HX/mentions',
        requestContext: { authorizer: { claims: { 'custom:tenant_id': 'bappenas' } } },
        headers: { authorization: 'Bearer secret' },
      };
      expect(annotationsOf(event)).toEqual({ issueId: 'iss_01HX', tenantId: 'bappenas' });
      expect(annotationsOf({ httpMethod: 'GET', path: '/v1/alerts' })).toEqual({});
    });

    it('annotates nothing that is not in the id format: no phones, emails or text', () => {
      const hostile = [
        { source: '+6281234567890' },
        { source: 'pejabat@kominfo.go.id' },
        { source: 'harga beras naik' },
        { source: 'x'.repeat(129) },
        { httpMethod: 'GET', path: '/v1/issues/%2B62812/mentions' },
        { Records: [mentionRecord({ tenantId: 'a b', issueId: '+62812', source: 'x' }, '1')] },
        null,
        'rss',
        42,
      ];
      for (const event of hostile) {
        const out = annotationsOf(event);
        expect(Object.values(out).every((v) => /^[A-Za-z0-9_.:-]{1,128}$/.test(v))).toBe(true);
        expect(JSON.stringify(out)).not.toMatch(/\+62|@|harga|%2B/);
      }
    });
  });
});
