/**
 * The API as one function from request to response, shared by the Lambda handler and the local
 * server. Order of checks: route → body size → credential → scope → rate → media type → JSON →
 * schema → handler. Every failure becomes a typed JSON error; nothing throws out of here.
 */
import { randomUUID } from 'node:crypto';
import {
  errorMessage,
  isError,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from '../domain/errors.ts';
import type { RateLimiter } from '../domain/ports.ts';
import { requireScope } from './auth.ts';
import {
  jsonResponse,
  MethodNotAllowedError,
  TooManyRequestsError,
  toErrorResponse,
  UnsupportedMediaTypeError,
} from './errors.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { defineRoute, type ResolvedDeps, type Route } from './route.ts';
import { bySpecificity, createRouter } from './router.ts';
import { adminRoutes, sourceRoutes } from './routes/admin.ts';
import { alertRoutes } from './routes/alerts.ts';
import { issueRoutes } from './routes/issues.ts';
import { mentionRoutes } from './routes/mentions.ts';
import { reviewRoutes } from './routes/review.ts';
import { statsRoutes } from './routes/stats.ts';
import { subscriberRoutes } from './routes/subscribers.ts';
import * as s from './schemas.ts';
import type { Api, ApiDeps, ApiRequest, Principal } from './types.ts';

const MAX_BODY_BYTES = 1024 * 1024;
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;.*)?$/i;

const openApiCache = new Map<string, Record<string, unknown>>();

const healthRoute = defineRoute({
  method: 'GET',
  path: '/health',
  scope: 'public',
  summary: 'Liveness check; needs no token',
  tag: 'Meta',
  responses: [{ status: 200, description: 'Alive', schema: s.health }],
  async handle() {
    return { status: 200, body: { status: 'ok' } };
  },
});

const openApiRoute = defineRoute({
  method: 'GET',
  path: '/v1/openapi.json',
  scope: 'public',
  summary:
    'This OpenAPI 3.1 document. Public: it describes the API, never any data, so client ' +
    'generators and the docs site can fetch it without a token.',
  tag: 'Meta',
  responses: [{ status: 200, description: 'The OpenAPI document', schema: s.openApiDocument }],
  async handle(ctx) {
    // The deployed document names its own server, so generated clients need no base URL.
    const url = ctx.deps.publicBaseUrl ?? '';
    let doc = openApiCache.get(url);
    if (!doc) {
      doc = buildOpenApiDocument(API_ROUTES, url || undefined);
      openApiCache.set(url, doc);
    }
    return { status: 200, body: doc };
  },
});

const API_ROUTES: readonly Route[] = [
  healthRoute,
  openApiRoute,
  ...issueRoutes,
  ...mentionRoutes,
  ...reviewRoutes,
  ...statsRoutes,
  ...alertRoutes,
  ...subscriberRoutes,
  ...sourceRoutes,
  ...adminRoutes,
].sort(bySpecificity);

const ANONYMOUS: Principal = {
  tenantId: '',
  clientId: 'anonymous',
  actor: 'anonymous',
  scopes: [],
};

function header(req: ApiRequest, name: string): string | undefined {
  const direct = req.headers[name];
  if (direct !== undefined) return direct;
  for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

function parseJsonBody(req: ApiRequest): unknown {
  const text = req.body ?? '';
  if (text.trim() === '') return {};
  const type = header(req, 'content-type');
  if (!type || !JSON_TYPE.test(type)) throw new UnsupportedMediaTypeError(type);
  try {
    return JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message.slice(0, 200) : 'unparseable';
    throw new ValidationError(`Invalid body: not valid JSON (${reason})`, [
      { field: 'body', message: 'must be valid JSON' },
    ]);
  }
}

function cleanQuery(query: ApiRequest['query']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * Counts an authenticated request against its tenant's and its client's per-minute limits. When
 * the limiter itself fails (throttled, timed out, unreachable), the request goes ahead: a limiter
 * must never take the API down in a crisis. Each failure is reported to `onRateLimiterFailure`
 * (a metric in Lambda) and logged once per minute per instance, without token or tenant.
 */
function createRateCheck(deps: ApiDeps) {
  const limiter = deps.rateLimiter;
  if (!limiter) return async () => undefined;
  let loggedMinute = Number.NaN;
  let failuresSinceLog = 0;
  return async (principal: Principal, at: Date): Promise<void> => {
    let decision: Awaited<ReturnType<RateLimiter['hit']>>;
    try {
      // Per actor, not per app client: every official's dashboard is the same app client, and
      // one official's runaway tab must not use up the dashboard for every colleague.
      decision = await limiter.hit(principal.tenantId, principal.actor, at);
    } catch (err) {
      failuresSinceLog++;
      deps.onRateLimiterFailure?.(err);
      const minute = Math.floor(at.getTime() / 60_000);
      if (minute !== loggedMinute) {
        loggedMinute = minute;
        deps.log?.warn('Rate limiter unavailable; requests go through unlimited', {
          error: isError(err) ? err.name : typeof err,
          message: errorMessage(err).slice(0, 200),
          // Failures since the previous warning of this instance, this one included.
          failures: failuresSinceLog,
        });
        failuresSinceLog = 0;
      }
      return;
    }
    if (decision.allowed) return;
    const retryAfter = Math.max(1, Math.ceil((decision.resetAt.getTime() - at.getTime()) / 1000));
    throw new TooManyRequestsError(retryAfter, {
      limit: decision.limit,
      requestsPerMinute: decision.requestsPerMinute,
    });
  };
}

function createApi(deps: ApiDeps): Api {
  const now = deps.now ?? (() => new Date());
  const resolved: ResolvedDeps = {
    repos: deps.repos,
    now,
    log: deps.log,
    publicBaseUrl: deps.publicBaseUrl,
    subscriptions: deps.subscriptions,
    operatorTenantId: deps.operatorTenantId ?? 'platform',
    analyzer: deps.analyzer,
  };
  const router = createRouter(API_ROUTES);
  const rateCheck = createRateCheck(deps);

  return async function api(req) {
    const requestId = req.requestId ?? randomUUID();
    try {
      const method = typeof req.method === 'string' ? req.method.toUpperCase() : '';
      const match = router.match(method, typeof req.path === 'string' ? req.path : '');
      if (match.kind === 'none') throw new NotFoundError('Route');
      if (match.kind === 'method')
        throw new MethodNotAllowedError(method.slice(0, 16), match.allow);
      const { route, params } = match;
      if (req.body !== undefined && Buffer.byteLength(req.body, 'utf8') > MAX_BODY_BYTES) {
        throw new PayloadTooLargeError(MAX_BODY_BYTES);
      }
      let principal = ANONYMOUS;
      if (route.scope !== 'public') {
        principal = await deps.authenticator.authenticate(header(req, 'authorization'));
        requireScope(principal, route.scope);
        await rateCheck(principal, now());
      }
      const body = route.body ? parseJsonBody(req) : undefined;
      const result = await route.run(
        { params, query: cleanQuery(req.query), body },
        { principal, deps: resolved, now: now(), requestId },
      );
      return jsonResponse(result.status, result.body, {
        ...result.headers,
        'x-request-id': requestId,
      });
    } catch (err) {
      return toErrorResponse(err, requestId, deps.log);
    }
  };
}

export { API_ROUTES, createApi, MAX_BODY_BYTES };
