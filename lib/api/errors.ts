/**
 * HTTP-only errors and the one mapping from any thrown value to an error response. Only
 * PantauErrors with a status below 500 reach the client as they are; anything else becomes a
 * generic 500 that names the request id, so a stack trace or an internal message never leaks.
 */
import { isError, PantauError } from '../domain/errors.ts';
import type { Log } from '../runtime/log.ts';
import type { ApiResponse } from './types.ts';

class MethodNotAllowedError extends PantauError {
  readonly allow: string[];
  constructor(method: string, allow: string[]) {
    super('method_not_allowed', `Method ${method} is not allowed here`, 405, {
      details: { allow },
    });
    this.allow = allow;
  }
}

class UnsupportedMediaTypeError extends PantauError {
  constructor(contentType: string | undefined) {
    super(
      'unsupported_media_type',
      `Request body must be application/json, got ${contentType ? `'${contentType.slice(0, 80)}'` : 'no content type'}`,
      415,
    );
  }
}

/** Which per-minute limit a request went over: its agency's (all clients together) or its own. */
interface RateLimitExceeded {
  limit: 'tenant' | 'client';
  requestsPerMinute: number;
}

const LIMIT_WORDS: Record<RateLimitExceeded['limit'], string> = {
  tenant: "this agency's clients together",
  client: 'this client',
};

/**
 * The message names the limit and its size, both the caller's own; never a count, which for the
 * tenant limit would tell one client how busy the others are.
 */
class TooManyRequestsError extends PantauError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, exceeded?: RateLimitExceeded) {
    super(
      'rate_limited',
      exceeded
        ? `Too many requests from ${LIMIT_WORDS[exceeded.limit]} (${exceeded.limit} limit: ${exceeded.requestsPerMinute} per minute); retry after ${retryAfterSeconds} s`
        : `Too many requests; retry after ${retryAfterSeconds} s`,
      429,
      exceeded ? { details: { ...exceeded, retryAfterSeconds } } : undefined,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

function jsonResponse(
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): ApiResponse {
  if (status === 204) return { status, headers: { 'cache-control': 'no-store' }, body: '' };
  return { status, headers: { ...JSON_HEADERS, ...extraHeaders }, body: JSON.stringify(body) };
}

/**
 * DynamoDB's "slow down" answers (after the SDK's own retries): the request was fine and the
 * client should retry shortly, which a 503 with Retry-After says and a 500 does not.
 */
const THROTTLING_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

function toErrorResponse(err: unknown, requestId: string, log?: Log): ApiResponse {
  if (isError(err) && THROTTLING_ERRORS.has(err.name)) {
    log?.warn('Storage throttled the request', { requestId, name: err.name });
    return jsonResponse(
      503,
      {
        error: {
          code: 'unavailable',
          message: `Busy; retry in a few seconds (request id ${requestId})`,
          details: { requestId },
        },
      },
      { 'x-request-id': requestId, 'retry-after': '2' },
    );
  }
  // 503 is ours too (a dependency such as the JWKS is down): its message says only "retry".
  if (err instanceof PantauError && (err.status < 500 || err.status === 503)) {
    const headers: Record<string, string> = { 'x-request-id': requestId };
    if (err instanceof MethodNotAllowedError) headers.allow = err.allow.join(', ');
    if (err instanceof TooManyRequestsError) headers['retry-after'] = String(err.retryAfterSeconds);
    if (err.status === 401) headers['www-authenticate'] = 'Bearer realm="pantau"';
    if (err.status === 503) headers['retry-after'] = '5';
    const error: Record<string, unknown> = { code: err.code, message: err.message };
    if (err.details !== undefined) error.details = err.details;
    return jsonResponse(err.status, { error }, headers);
  }
  log?.error('Unhandled API error', {
    requestId,
    error: isError(err) ? err.message : String(err),
    name: isError(err) ? err.name : typeof err,
    stack: isError(err) ? err.stack : undefined,
  });
  return jsonResponse(
    500,
    {
      error: {
        code: 'internal',
        message: `Internal error; quote request id ${requestId} when reporting it`,
        details: { requestId },
      },
    },
    { 'x-request-id': requestId },
  );
}

export type { RateLimitExceeded };
export {
  jsonResponse,
  MethodNotAllowedError,
  TooManyRequestsError,
  toErrorResponse,
  UnsupportedMediaTypeError,
};
