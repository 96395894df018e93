/**
 * Typed errors. Every error Pantau throws on purpose extends PantauError, ends in `Error` and
 * carries a machine-readable `code`; the API maps `status` < 500 straight to the client.
 */
class PantauError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details?: unknown;

  constructor(
    code: string,
    message: string,
    status = 500,
    options?: ErrorOptions & { details?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.details = options?.details;
  }
}

class ValidationError extends PantauError {
  constructor(message: string, details?: unknown) {
    super('invalid_request', message, 400, { details });
  }
}

class UnauthorizedError extends PantauError {
  constructor(message = 'Missing or invalid bearer token') {
    super('unauthorized', message, 401);
  }
}

class ForbiddenError extends PantauError {
  constructor(message = 'Token lacks the required scope') {
    super('forbidden', message, 403);
  }
}

class NotFoundError extends PantauError {
  constructor(what: string) {
    super('not_found', `${what} not found`, 404);
  }
}

class ConflictError extends PantauError {
  constructor(message: string) {
    super('conflict', message, 409);
  }
}

class PayloadTooLargeError extends PantauError {
  constructor(limitBytes: number) {
    super('payload_too_large', `Request body exceeds ${limitBytes} bytes`, 413);
  }
}

/** A source failed in a way the collector should record and move past. */
class SourceError extends PantauError {
  readonly source: string;
  constructor(source: string, code: string, message: string, options?: ErrorOptions) {
    super(code, message, 502, options);
    this.source = source;
  }
}

class SourceRateLimitedError extends SourceError {
  readonly retryAt: Date;
  constructor(source: string, retryAt: Date, options?: ErrorOptions) {
    super(source, 'rate_limited', `${source} rate-limited until ${retryAt.toISOString()}`, options);
    this.retryAt = retryAt;
  }
}

class SourceQuotaExhaustedError extends SourceError {
  readonly retryAt: Date;
  constructor(source: string, retryAt: Date, options?: ErrorOptions) {
    super(
      source,
      'quota_exhausted',
      `${source} quota exhausted until ${retryAt.toISOString()}`,
      options,
    );
    this.retryAt = retryAt;
  }
}

class SourceAuthError extends SourceError {
  constructor(source: string, message: string, options?: ErrorOptions) {
    super(source, 'auth_failed', message, options);
  }
}

/**
 * A notification that goes out in several parts (SNS: one publish per language) failed after
 * some parts were sent. `delivered` names them, so a retry sends only the rest.
 */
class PartialDeliveryError extends PantauError {
  readonly delivered: readonly string[];

  constructor(delivered: readonly string[], cause: unknown) {
    super(
      'partial_delivery',
      `Notification only partly delivered (sent: ${delivered.join(', ') || 'none'}): ${errorMessage(cause)}`,
      502,
      { cause },
    );
    this.delivered = delivered;
  }
}

class ConfigError extends PantauError {
  constructor(message: string) {
    super('config', message, 500);
  }
}

function isError(value: unknown): value is Error {
  return value instanceof Error;
}

function errorMessage(value: unknown): string {
  return isError(value) ? value.message : String(value);
}

export {
  ConfigError,
  ConflictError,
  errorMessage,
  ForbiddenError,
  isError,
  NotFoundError,
  PantauError,
  PartialDeliveryError,
  PayloadTooLargeError,
  SourceAuthError,
  SourceError,
  SourceQuotaExhaustedError,
  SourceRateLimitedError,
  UnauthorizedError,
  ValidationError,
};
