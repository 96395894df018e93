/** Issues: what a tenant watches. */
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { Issue, SourceName } from '../../domain/types.ts';
import { SOURCE_NAMES } from '../../domain/types.ts';
import { validateQuery } from '../../query/index.ts';
import { newId } from '../ids.ts';
import { audit, auditCreate, defineRoute, requireIssue } from '../route.ts';
import * as s from '../schemas.ts';

const tag = 'Issues';

/**
 * `validateQuery` as a field error: `details` is a list of `{field, message}` on every 400, so
 * clients read one shape; the parser's position, expected and found ride along on the entry.
 */
function checkQuery(query: string, sources: readonly SourceName[]): void {
  try {
    validateQuery(query, sources);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const [first = err.message] = err.message.split('\n');
    const parser = typeof err.details === 'object' && err.details !== null ? err.details : {};
    throw new ValidationError(`Invalid body.query: ${first}`, [
      { field: 'body.query', message: err.message, ...parser },
    ]);
  }
}

const listIssues = defineRoute({
  method: 'GET',
  path: '/v1/issues',
  scope: 'pantau/read',
  summary: "List the tenant's issues",
  tag,
  query: s.emptyQuery,
  responses: [{ status: 200, description: 'The issues', schema: s.items(s.issue) }],
  async handle(ctx) {
    const items = await ctx.deps.repos.issues.list(ctx.principal.tenantId);
    return { status: 200, body: { items } };
  },
});

const createIssue = defineRoute({
  method: 'POST',
  path: '/v1/issues',
  scope: 'pantau/write',
  summary: 'Create an issue to watch',
  tag,
  query: s.emptyQuery,
  body: s.issueCreateBody,
  responses: [{ status: 201, description: 'The created issue', schema: s.issue }],
  async handle(ctx) {
    const sources = uniqueSources(ctx.body.sources);
    checkQuery(ctx.body.query, sources);
    const at = ctx.now.toISOString();
    const issue: Issue = {
      tenantId: ctx.principal.tenantId,
      id: newId('iss'),
      name: ctx.body.name,
      query: ctx.body.query,
      sources,
      languages: [...new Set(ctx.body.languages ?? [])],
      status: ctx.body.status ?? 'active',
      detector: ctx.body.detector ?? {},
      createdAt: at,
      updatedAt: at,
    };
    await ctx.deps.repos.issues.create(issue);
    await auditCreate(
      ctx,
      'issue.create',
      `issue/${issue.id}`,
      { name: issue.name, query: issue.query },
      () => ctx.deps.repos.issues.delete(issue.tenantId, issue.id),
    );
    return { status: 201, body: issue, headers: { location: `/v1/issues/${issue.id}` } };
  },
});

const getIssue = defineRoute({
  method: 'GET',
  path: '/v1/issues/{issueId}',
  scope: 'pantau/read',
  summary: 'Get one issue',
  tag,
  params: s.issuePath,
  query: s.emptyQuery,
  responses: [{ status: 200, description: 'The issue', schema: s.issue }],
  async handle(ctx) {
    return { status: 200, body: await requireIssue(ctx, ctx.params.issueId) };
  },
});

const patchIssue = defineRoute({
  method: 'PATCH',
  path: '/v1/issues/{issueId}',
  scope: 'pantau/write',
  summary: "Change an issue's name, query, sources, languages, status or detector parameters",
  tag,
  params: s.issuePath,
  query: s.emptyQuery,
  body: s.issuePatchBody,
  responses: [{ status: 200, description: 'The updated issue', schema: s.issue }],
  async handle(ctx) {
    const current = await requireIssue(ctx, ctx.params.issueId);
    const next: Issue = {
      ...current,
      ...(ctx.body.name !== undefined ? { name: ctx.body.name } : {}),
      ...(ctx.body.query !== undefined ? { query: ctx.body.query } : {}),
      ...(ctx.body.sources !== undefined ? { sources: uniqueSources(ctx.body.sources) } : {}),
      ...(ctx.body.languages !== undefined ? { languages: [...new Set(ctx.body.languages)] } : {}),
      ...(ctx.body.status !== undefined ? { status: ctx.body.status } : {}),
      ...(ctx.body.detector !== undefined
        ? { detector: { ...current.detector, ...ctx.body.detector } }
        : {}),
      tenantId: current.tenantId,
      id: current.id,
      createdAt: current.createdAt,
      updatedAt: ctx.now.toISOString(),
    };
    if (ctx.body.query !== undefined || ctx.body.sources !== undefined) {
      checkQuery(next.query, next.sources);
    }
    await ctx.deps.repos.issues.update(next);
    await audit(ctx, 'issue.update', `issue/${next.id}`, ctx.body);
    return { status: 200, body: next };
  },
});

const deleteIssue = defineRoute({
  method: 'DELETE',
  path: '/v1/issues/{issueId}',
  scope: 'pantau/write',
  summary: 'Delete an issue (its stored mentions expire with their TTL)',
  tag,
  params: s.issuePath,
  query: s.emptyQuery,
  responses: [{ status: 204, description: 'Deleted' }],
  async handle(ctx) {
    const issue = await requireIssue(ctx, ctx.params.issueId);
    const deleted = await ctx.deps.repos.issues.delete(ctx.principal.tenantId, issue.id);
    if (!deleted) throw new NotFoundError('Issue');
    await audit(ctx, 'issue.delete', `issue/${issue.id}`, { name: issue.name });
    return { status: 204 };
  },
});

/** Empty or absent means every source, kept explicit so collectors need no special case. */
function uniqueSources(sources: string[] | undefined): SourceName[] {
  const list = sources && sources.length > 0 ? sources : SOURCE_NAMES;
  return [...new Set(list)] as SourceName[];
}

const issueRoutes = [listIssues, createIssue, getIssue, patchIssue, deleteIssue];

export { issueRoutes };
