/**
 * How a route is declared: method, path template, required scope, zod schemas for path, query
 * and body, documented responses, and the handler. The same declaration drives validation,
 * the handler's types and the OpenAPI document.
 */
import type { z } from 'zod';
import { errorMessage, NotFoundError, ValidationError } from '../domain/errors.ts';
import type { Repositories } from '../domain/ports.ts';
import type { Issue } from '../domain/types.ts';
import type { Log } from '../runtime/log.ts';
import type { ApiDeps, Principal, Scope, Subscriptions } from './types.ts';

export interface ResolvedDeps {
  repos: Repositories;
  now: () => Date;
  log?: Log;
  publicBaseUrl?: string;
  subscriptions?: Subscriptions;
  operatorTenantId: string;
  analyzer?: ApiDeps['analyzer'];
}

export interface RouteContext<P, Q, B> {
  principal: Principal;
  params: P;
  query: Q;
  body: B;
  deps: ResolvedDeps;
  now: Date;
  requestId: string;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ResponseDoc {
  status: number;
  description: string;
  schema?: z.ZodType;
}

type AnySchema = z.ZodType;

interface RouteSpec<P extends AnySchema, Q extends AnySchema, B extends AnySchema> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  /** 'public' routes skip authentication. */
  scope: Scope | 'public';
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  responses: ResponseDoc[];
  handle(ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<RouteResult>;
}

export interface RawInput {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: unknown;
}

/** A declared route with its types erased, so routes of different shapes share one table. */
export interface Route {
  method: RouteSpec<AnySchema, AnySchema, AnySchema>['method'];
  path: string;
  segments: string[];
  scope: Scope | 'public';
  summary: string;
  tag: string;
  params?: AnySchema;
  query?: AnySchema;
  body?: AnySchema;
  responses: ResponseDoc[];
  run(
    raw: RawInput,
    ctx: Omit<RouteContext<unknown, unknown, unknown>, 'params' | 'query' | 'body'>,
  ): Promise<RouteResult>;
}

function fieldPath(where: string, path: readonly PropertyKey[]): string {
  return [where, ...path.map(String)].join('.');
}

/** Parses one part of the request, turning zod issues into a 400 that names each field. */
function parsePart<S extends AnySchema>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.slice(0, 20).map((issue) => {
    const unknownKeys =
      issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys : undefined;
    const field = unknownKeys?.length
      ? fieldPath(where, [...issue.path, unknownKeys[0] as string])
      : fieldPath(where, issue.path);
    const message = unknownKeys?.length
      ? `unknown field${unknownKeys.length > 1 ? 's' : ''}: ${unknownKeys.slice(0, 5).join(', ')}`
      : issue.message;
    return { field, message };
  });
  const first = details[0];
  throw new ValidationError(
    first ? `Invalid ${first.field}: ${first.message}` : `Invalid ${where}`,
    details,
  );
}

function defineRoute<
  P extends AnySchema = AnySchema,
  Q extends AnySchema = AnySchema,
  B extends AnySchema = AnySchema,
>(spec: RouteSpec<P, Q, B>): Route {
  return {
    method: spec.method,
    path: spec.path,
    segments: spec.path.split('/').slice(1),
    scope: spec.scope,
    summary: spec.summary,
    tag: spec.tag,
    params: spec.params,
    query: spec.query,
    body: spec.body,
    responses: spec.responses,
    run(raw, ctx) {
      const params = spec.params ? parsePart(spec.params, raw.params, 'path') : raw.params;
      const query = spec.query ? parsePart(spec.query, raw.query, 'query') : {};
      const body = spec.body ? parsePart(spec.body, raw.body, 'body') : undefined;
      return spec.handle({
        ...ctx,
        params: params as z.output<P>,
        query: query as z.output<Q>,
        body: body as z.output<B>,
      });
    },
  };
}

/** The caller's issue, or 404: another tenant's issue is indistinguishable from a missing one. */
async function requireIssue(
  ctx: { principal: Principal; deps: ResolvedDeps },
  issueId: string,
): Promise<Issue> {
  const issue = await ctx.deps.repos.issues.get(ctx.principal.tenantId, issueId);
  if (!issue || issue.tenantId !== ctx.principal.tenantId) throw new NotFoundError('Issue');
  return issue;
}

/** Every write leaves an audit entry of who did what to which resource. */
function audit(
  ctx: { principal: Principal; deps: ResolvedDeps; now: Date },
  action: string,
  target: string,
  change?: unknown,
): Promise<void> {
  return ctx.deps.repos.audit.record({
    tenantId: ctx.principal.tenantId,
    clientId: ctx.principal.clientId,
    actor: ctx.principal.actor,
    at: ctx.now.toISOString(),
    action,
    target,
    change,
  });
}

/**
 * Audits a create. If the audit entry cannot be written, the create is undone and the error
 * rethrown: the client got a 500 and will retry, and a retry must not leave a second, unaudited
 * copy behind (ids are generated here, so a retry cannot find the first one).
 */
async function auditCreate(
  ctx: { principal: Principal; deps: ResolvedDeps; now: Date },
  action: string,
  target: string,
  change: unknown,
  undo: () => Promise<unknown>,
): Promise<void> {
  try {
    await audit(ctx, action, target, change);
  } catch (err) {
    try {
      await undo();
    } catch (undoErr) {
      // Both failed: the created item stays, unaudited; say so where operators look.
      ctx.deps.log?.error('create not audited and not undone', {
        action,
        target,
        error: errorMessage(undoErr),
      });
    }
    throw err;
  }
}

/** Refuses a query range whose `from` is not before its `to`, worded alike on every route. */
function requireFromBeforeTo(fromMs: number, toMs: number): void {
  if (fromMs >= toMs) {
    throw new ValidationError('Invalid query.from: must be before query.to', [
      { field: 'query.from', message: 'must be before query.to' },
    ]);
  }
}

export { audit, auditCreate, defineRoute, parsePart, requireFromBeforeTo, requireIssue };
