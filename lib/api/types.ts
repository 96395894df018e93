/**
 * The framework-free HTTP contract shared by the Lambda adapter (API Gateway proxy events) and
 * the node:http adapter (local server, tests, benchmarks). Routes only ever see these shapes.
 */
import type { SubscriptionConfirmation } from '../alerts/sns.ts';
import type { RateLimiter, Repositories, SentimentAnalyzer } from '../domain/ports.ts';
import type { Subscriber } from '../domain/types.ts';
import type { Log } from '../runtime/log.ts';

export interface ApiRequest {
  method: string;
  /** Raw path, percent-encoded as received; the router decodes segment by segment. */
  path: string;
  query: Record<string, string | undefined>;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body: string | undefined;
  requestId?: string;
  sourceIp?: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Who is calling, as established by a verified credential: the only source of the tenant. */
export interface Principal {
  tenantId: string;
  /** The credential's client: `token:<id>` or `cognito:<app client>`. Limits count by it. */
  clientId: string;
  /**
   * Who acted, for the audit trail and the `by` of corrections and alert changes: the signed-in
   * official (`user:<username>`) for a user's access token, else the client itself. Every
   * official's dashboard calls as the same app client, so the client alone cannot say who.
   */
  actor: string;
  scopes: string[];
}

export interface Authenticator {
  /** Throws UnauthorizedError for a missing, malformed, forged, expired or revoked credential. */
  authenticate(authorizationHeader: string | undefined): Promise<Principal>;
}

/** SNS subscriptions in AWS; absent locally, where the outbox delivers to every subscriber. */
export interface Subscriptions {
  /** Returns the delivery subscription's id (an SNS subscription ARN) to keep with the subscriber. */
  subscribe(sub: Subscriber): Promise<string | undefined>;
  unsubscribe(sub: Subscriber): Promise<void>;
  /**
   * Confirms an email subscription with the token from AWS's confirmation email, with
   * authenticated unsubscribe; returns the subscription's ARN.
   */
  confirm(sub: Subscriber, confirmation: SubscriptionConfirmation): Promise<string>;
}

export interface ApiDeps {
  repos: Repositories;
  authenticator: Authenticator;
  now?: () => Date;
  analyzer?: SentimentAnalyzer;
  log?: Log;
  publicBaseUrl?: string;
  subscriptions?: Subscriptions;
  /**
   * The tenant whose admins operate the platform: only they create tenants and see other
   * tenants. Defaults to 'platform'. Every other admin manages its own tenant only.
   */
  operatorTenantId?: string;
  /**
   * Per-tenant and per-client requests per minute, shared by every instance (the table in AWS,
   * DynamoDB Local under `npm start`). Absent: no limit beyond API Gateway's stage throttle.
   */
  rateLimiter?: RateLimiter;
  /**
   * Called on each failed limiter check (the request went ahead unlimited), so the Lambda handler
   * can count it as a metric; the API itself logs the failure once per window.
   */
  onRateLimiterFailure?: (err: unknown) => void;
}

export type Api = (req: ApiRequest) => Promise<ApiResponse>;

export const SCOPES = ['pantau/read', 'pantau/write', 'pantau/admin'] as const;
export type Scope = (typeof SCOPES)[number];
