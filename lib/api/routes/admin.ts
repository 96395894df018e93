/**
 * Tenants, their API tokens and the audit trail. The operator tenant's admins run the platform
 * (create tenants, see all of them, manage any tenant's tokens); every other admin manages its
 * own tenant only, and another tenant looks exactly like one that does not exist.
 */
import { ConflictError, ForbiddenError, NotFoundError } from '../../domain/errors.ts';
import type { ApiToken } from '../../domain/ports.ts';
import type { Tenant } from '../../domain/types.ts';
import { withLiveness } from '../../sources/liveness.ts';
import { hasScope, issueLocalToken } from '../auth.ts';
import { audit, auditCreate, defineRoute, type RouteContext } from '../route.ts';
import * as s from '../schemas.ts';
import { SCOPES } from '../types.ts';

type Ctx = Pick<RouteContext<unknown, unknown, unknown>, 'principal' | 'deps'>;

const isOperator = (ctx: Ctx) => ctx.principal.tenantId === ctx.deps.operatorTenantId;

async function requireTenant(ctx: Ctx, tenantId: string): Promise<Tenant> {
  if (tenantId !== ctx.principal.tenantId && !isOperator(ctx)) throw new NotFoundError('Tenant');
  const tenant = await ctx.deps.repos.tenants.get(tenantId);
  if (!tenant) throw new NotFoundError('Tenant');
  return tenant;
}

function visibleToken(t: ApiToken) {
  return {
    id: t.id,
    tenantId: t.tenantId,
    name: t.name,
    scopes: t.scopes,
    createdAt: t.createdAt,
    ...(t.expiresAt ? { expiresAt: t.expiresAt } : {}),
    ...(t.revokedAt ? { revokedAt: t.revokedAt } : {}),
  };
}

const createTenant = defineRoute({
  method: 'POST',
  path: '/v1/tenants',
  scope: 'pantau/admin',
  summary: 'Create a tenant (operator admins only)',
  tag: 'Admin',
  query: s.emptyQuery,
  body: s.tenantCreateBody,
  responses: [
    { status: 201, description: 'The tenant', schema: s.tenant },
    { status: 409, description: 'The id is taken' },
  ],
  async handle(ctx) {
    if (!isOperator(ctx)) throw new ForbiddenError('Only platform operators create tenants');
    if (await ctx.deps.repos.tenants.get(ctx.body.id)) {
      throw new ConflictError(`Tenant ${ctx.body.id} already exists`);
    }
    const tenant: Tenant = {
      id: ctx.body.id,
      name: ctx.body.name,
      createdAt: ctx.now.toISOString(),
    };
    await ctx.deps.repos.tenants.put(tenant);
    await audit(ctx, 'tenant.create', `tenant/${tenant.id}`, { name: tenant.name });
    return { status: 201, body: tenant, headers: { location: `/v1/tenants/${tenant.id}` } };
  },
});

const listTenants = defineRoute({
  method: 'GET',
  path: '/v1/tenants',
  scope: 'pantau/admin',
  summary: 'Tenants: all of them for operator admins, otherwise just your own',
  tag: 'Admin',
  query: s.emptyQuery,
  responses: [{ status: 200, description: 'The tenants', schema: s.items(s.tenant) }],
  async handle(ctx) {
    if (isOperator(ctx))
      return { status: 200, body: { items: await ctx.deps.repos.tenants.list() } };
    const own = await ctx.deps.repos.tenants.get(ctx.principal.tenantId);
    return { status: 200, body: { items: own ? [own] : [] } };
  },
});

const createToken = defineRoute({
  method: 'POST',
  path: '/v1/tenants/{tenantId}/tokens',
  scope: 'pantau/admin',
  summary: 'Mint an API token; the secret is in this response only',
  tag: 'Admin',
  params: s.tenantPath,
  query: s.emptyQuery,
  body: s.tokenCreateBody,
  responses: [{ status: 201, description: 'The token, shown once', schema: s.issuedToken }],
  async handle(ctx) {
    const tenant = await requireTenant(ctx, ctx.params.tenantId);
    const { token, record } = await issueLocalToken(ctx.deps.repos.tenants, {
      tenantId: tenant.id,
      scopes: [...new Set(ctx.body.scopes)],
      name: ctx.body.name,
      expiresAt: ctx.body.expiresAt,
      now: ctx.now,
    });
    await auditCreate(
      ctx,
      'token.create',
      `tenant/${tenant.id}/token/${record.id}`,
      { scopes: record.scopes, name: record.name },
      () => ctx.deps.repos.tenants.revokeToken(tenant.id, record.id, ctx.now.toISOString()),
    );
    return { status: 201, body: { token, ...visibleToken({ ...record, hash: '' }) } };
  },
});

const listTokens = defineRoute({
  method: 'GET',
  path: '/v1/tenants/{tenantId}/tokens',
  scope: 'pantau/admin',
  summary: "A tenant's tokens (never their secrets)",
  tag: 'Admin',
  params: s.tenantPath,
  query: s.emptyQuery,
  responses: [{ status: 200, description: 'The tokens', schema: s.items(s.tokenInfo) }],
  async handle(ctx) {
    const tenant = await requireTenant(ctx, ctx.params.tenantId);
    const tokens = await ctx.deps.repos.tenants.listTokens(tenant.id);
    return {
      status: 200,
      body: { items: tokens.filter((t) => t.tenantId === tenant.id).map(visibleToken) },
    };
  },
});

const revokeToken = defineRoute({
  method: 'DELETE',
  path: '/v1/tenants/{tenantId}/tokens/{tokenId}',
  scope: 'pantau/admin',
  summary: 'Revoke a token; requests with it fail from now on',
  tag: 'Admin',
  params: s.tokenPath,
  query: s.emptyQuery,
  responses: [{ status: 204, description: 'Revoked' }],
  async handle(ctx) {
    const tenant = await requireTenant(ctx, ctx.params.tenantId);
    const revoked = await ctx.deps.repos.tenants.revokeToken(
      tenant.id,
      ctx.params.tokenId,
      ctx.now.toISOString(),
    );
    if (!revoked) throw new NotFoundError('Token');
    await audit(ctx, 'token.revoke', `tenant/${tenant.id}/token/${ctx.params.tokenId}`);
    return { status: 204 };
  },
});

const listAudit = defineRoute({
  method: 'GET',
  path: '/v1/audit',
  scope: 'pantau/admin',
  summary: "Your tenant's audit trail, newest first",
  tag: 'Admin',
  query: s.limitQuery,
  responses: [{ status: 200, description: 'Audit entries', schema: s.items(s.auditEntry) }],
  async handle(ctx) {
    const items = await ctx.deps.repos.audit.list(ctx.principal.tenantId, ctx.query.limit);
    return { status: 200, body: { items } };
  },
});

const listSourceStatus = defineRoute({
  method: 'GET',
  path: '/v1/sources/status',
  scope: 'pantau/read',
  summary: 'Health of each source collector (shared by all tenants)',
  tag: 'Sources',
  query: s.emptyQuery,
  responses: [{ status: 200, description: 'Source status', schema: s.items(s.sourceStatus) }],
  async handle(ctx) {
    // Liveness depends on the time of asking, so it is computed here, never stored.
    const items = (await ctx.deps.repos.sourceStatus.list()).map((s) => withLiveness(s, ctx.now));
    return { status: 200, body: { items } };
  },
});

const whoAmI = defineRoute({
  method: 'GET',
  path: '/v1/me',
  scope: 'pantau/read',
  summary:
    'The caller: tenant, client and effective scopes. Clients ask it to show controls a token ' +
    'cannot use as disabled instead of failing on press (the API still checks every write).',
  tag: 'Admin',
  query: s.emptyQuery,
  responses: [{ status: 200, description: 'The caller', schema: s.me }],
  async handle(ctx) {
    const { tenantId, clientId, actor } = ctx.principal;
    const scopes = SCOPES.filter((scope) => hasScope(ctx.principal, scope));
    return { status: 200, body: { tenantId, clientId, actor, scopes } };
  },
});

const adminRoutes = [
  whoAmI,
  createTenant,
  listTenants,
  createToken,
  listTokens,
  revokeToken,
  listAudit,
];
const sourceRoutes = [listSourceStatus];

export { adminRoutes, sourceRoutes };
