/**
 * AWS X-Ray tracing (Powertools Tracer) for the Lambda handlers: one segment per invocation with
 * the handler as a subsegment, and a subsegment per AWS SDK call of the clients passed through
 * `traceAwsClient`. Outside Lambda (the local runtime, tests, the CLI) everything here is a no-op,
 * so nothing ever looks for an X-Ray daemon that is not there.
 *
 * Traces hold no personal data: the handler's response and the text of its errors are never
 * recorded (responses carry mention text and subscribers' phone numbers; some error messages
 * name users), and the only annotations are tenant id, issue id and source, read from the event
 * and checked against the id format before they are written.
 */

import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { TracerOptions } from '@aws-lambda-powertools/tracer/types';
import type { MiddlewareObj } from '@middy/core';
import type { Env } from './env.ts';

type ConfigService = NonNullable<TracerOptions['customConfigService']>;

/** What a trace may be searched by; nothing else is ever annotated. */
export interface TraceAnnotations {
  tenantId?: string;
  issueId?: string;
  source?: string;
}

export interface Tracing {
  /** True in Lambda with tracing on; false everywhere else. */
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** Adds X-Ray subsegments to every call of an AWS SDK v3 client; returns the same client. */
  traceAwsClient<T>(client: T): T;
  /** The middy middlewares of a handler: none outside Lambda. */
  middleware(): MiddlewareObj[];
}

/** Tenant and issue ids, source names: short, no spaces, no '@' or '+' (never a phone or email). */
const SAFE_VALUE = /^[A-Za-z0-9_.:-]{1,128}$/;

const inLambda = (env: Env): boolean =>
  Boolean(env.AWS_LAMBDA_FUNCTION_NAME) && Boolean(env.AWS_EXECUTION_ENV);

/**
 * The Tracer reads its switches from the environment unless a config service is given; this one
 * keeps the environment's word on everything except what would put personal data in a trace.
 */
function privacyConfig(env: Env): ConfigService {
  const get = (name: string) => env[name]?.trim() ?? '';
  return {
    get,
    getServiceName: () => get('POWERTOOLS_SERVICE_NAME'),
    getXrayTraceId: () => /Root=([^;]+)/.exec(get('_X_AMZN_TRACE_ID'))?.[1],
    getXrayTraceSampled: () => get('_X_AMZN_TRACE_ID').includes('Sampled=1'),
    isDevMode: () => get('POWERTOOLS_DEV') === 'true',
    isValueTrue: (value: string) =>
      ['1', 'y', 'yes', 't', 'true', 'on'].includes(value.toLowerCase()),
    getAwsExecutionEnv: () => get('AWS_EXECUTION_ENV'),
    getCaptureHTTPsRequests: () => get('POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS'),
    getSamLocal: () => get('AWS_SAM_LOCAL'),
    // Outside Lambda the Tracer must never be on, whatever the environment claims.
    getTracingEnabled: () => (inLambda(env) ? get('POWERTOOLS_TRACE_ENABLED') : 'false'),
    getTracingCaptureResponse: () => 'false',
    getTracingCaptureError: () => 'false',
  };
}

function safe(value: unknown): string | undefined {
  return typeof value === 'string' && SAFE_VALUE.test(value) ? value : undefined;
}

/** The one value every element shares, or nothing when they differ or one lacks it. */
function common(values: (string | undefined)[]): string | undefined {
  const first = values[0];
  if (first === undefined) return undefined;
  return values.every((v) => v === first) ? first : undefined;
}

function streamImageField(record: unknown, field: string): string | undefined {
  const image = (record as { dynamodb?: { NewImage?: Record<string, { S?: unknown }> } })?.dynamodb
    ?.NewImage;
  return safe(image?.[field]?.S);
}

/**
 * The annotations of a handler's event: the collect event's source; the tenant, issue and source
 * a whole stream batch shares; the issue in an API path and the tenant claim of an API Gateway
 * authorizer. Only fields named in TraceAnnotations, only values in the id format.
 */
function annotationsOf(event: unknown): TraceAnnotations {
  const out: TraceAnnotations = {};
  if (!event || typeof event !== 'object') return out;
  const e = event as Record<string, unknown>;
  if (Array.isArray(e.Records)) {
    const records = e.Records as unknown[];
    out.tenantId = common(records.map((r) => streamImageField(r, 'tenantId')));
    out.issueId = common(records.map((r) => streamImageField(r, 'issueId')));
    out.source = common(records.map((r) => streamImageField(r, 'source')));
  } else if (typeof e.httpMethod === 'string' && typeof e.path === 'string') {
    out.issueId = safe(/^\/v1\/issues\/([^/]+)/.exec(e.path)?.[1]);
    const claims = (e.requestContext as { authorizer?: { claims?: Record<string, unknown> } })
      ?.authorizer?.claims;
    out.tenantId = safe(claims?.['custom:tenant_id']);
  } else {
    out.source = safe(e.source);
  }
  for (const key of Object.keys(out) as (keyof TraceAnnotations)[]) {
    if (out[key] === undefined) delete out[key];
  }
  return out;
}

function createTracing(env: Env = process.env): Tracing {
  const tracer = new Tracer({
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'pantau',
    customConfigService: privacyConfig(env),
  });
  const enabled = tracer.isTracingEnabled();

  const annotate: MiddlewareObj = {
    before(request) {
      for (const [key, value] of Object.entries(annotationsOf(request.event))) {
        tracer.putAnnotation(key, value);
      }
    },
  };

  return {
    enabled,
    tracer,
    traceAwsClient: (client) => (enabled ? tracer.captureAWSv3Client(client) : client),
    // Order matters: the handler subsegment opens first so the annotations land on it.
    middleware: () =>
      enabled ? [captureLambdaHandler(tracer, { captureResponse: false }), annotate] : [],
  };
}

/** The process's tracing, created once at cold start. */
const tracing = createTracing();

/** Shorthands on the process's tracing, for the handlers and the container. */
function tracingMiddleware(): MiddlewareObj[] {
  return tracing.middleware();
}

function traceAwsClient<T>(client: T): T {
  return tracing.traceAwsClient(client);
}

export { annotationsOf, createTracing, traceAwsClient, tracing, tracingMiddleware };
