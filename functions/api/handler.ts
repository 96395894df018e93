/**
 * api: API Gateway (REST, Lambda proxy) → the framework-free API in lib/api. Thin: the event is
 * mapped to an ApiRequest, routed, and the response mapped back; every error is already a JSON
 * response by then.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createSnsSubscriptions } from '../../lib/alerts/sns.ts';
import { fromApiGatewayEvent, toApiGatewayResult } from '../../lib/api/apigw.ts';
import { createApi } from '../../lib/api/app.ts';
import { createAuthenticatorFromConfig } from '../../lib/api/auth.ts';
import { withCors } from '../../lib/api/cors.ts';
import type { Api, ApiDeps } from '../../lib/api/types.ts';
import type { RuntimeConfig } from '../../lib/runtime/config.ts';
import { loadContainer } from '../../lib/runtime/container.ts';
import { lambdaLogger } from '../../lib/runtime/log.ts';
import { countMetric, metricsMiddleware } from '../../lib/runtime/metrics.ts';
import { SDK_REQUEST_TIMEOUTS } from '../../lib/runtime/sdk-timeouts.ts';
import { traceAwsClient, tracingMiddleware } from '../../lib/runtime/tracing.ts';
import { createDocumentClient, LOCAL_CREDENTIALS } from '../../lib/storage/clients.ts';
import { createDynamoRateLimiter } from '../../lib/storage/rate-limit-repository.ts';

type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

function buildApiHandler(deps: ApiDeps, corsAllowedOrigins: readonly string[] = []): ProxyHandler {
  const api: Api = createApi(deps);
  return async (event) =>
    withCors(
      toApiGatewayResult(await api(fromApiGatewayEvent(event))),
      event.headers,
      corsAllowedOrigins,
    );
}

let ready: Promise<ProxyHandler> | undefined;

/** Counted in Lambda only (countMetric), where the metrics middleware flushes once per invocation. */
function countRateLimiterFailure(): void {
  countMetric('RateLimiterFailures', 1);
}

/**
 * The limiter's own client, built once per process: one attempt, no retries. A throttled or failed
 * counter update then lets the request through at once instead of after the SDK's backoff (half a
 * second and more, measured), and a missed count costs nothing worth waiting for.
 */
function limiterClient(config: RuntimeConfig) {
  return traceAwsClient(
    createDocumentClient({
      region: config.region,
      maxAttempts: 1,
      ...(config.dynamoEndpoint
        ? { endpoint: config.dynamoEndpoint, credentials: LOCAL_CREDENTIALS }
        : {}),
    }),
  );
}

async function init(): Promise<ProxyHandler> {
  const { config, repos, log } = await loadContainer('api');
  return buildApiHandler(
    {
      repos,
      log,
      // The same table in AWS and DynamoDB Local under `npm start`, so both enforce the limits.
      rateLimiter: createDynamoRateLimiter({
        table: { doc: limiterClient(config), tableName: config.tableName },
        limits: config.apiRateLimits,
      }),
      onRateLimiterFailure: countRateLimiterFailure,
      authenticator: createAuthenticatorFromConfig(config.auth, repos),
      publicBaseUrl: config.publicBaseUrl,
      operatorTenantId: config.operatorTenantId,
      // In AWS every subscriber is an SNS subscription with a filter policy; locally the outbox
      // reads the subscriber list instead.
      subscriptions: config.alertTopicArn
        ? createSnsSubscriptions(
            traceAwsClient(new SNSClient({ region: config.region, ...SDK_REQUEST_TIMEOUTS })),
            config.alertTopicArn,
          )
        : undefined,
    },
    config.corsAllowedOrigins,
  );
}

const handler = middy(async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  ready ??= init().catch((err: unknown) => {
    ready = undefined;
    throw err;
  });
  return (await ready)(event);
})
  .use(injectLambdaContext(lambdaLogger, { resetKeys: true }))
  .use(metricsMiddleware())
  .use(tracingMiddleware());

export { buildApiHandler, handler };
