/** Alerts: crisis episodes and their lifecycle (open → acknowledged → resolved). */
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import type { Alert, AlertStatus } from '../../domain/types.ts';
import { audit, defineRoute, type RouteContext, requireIssue } from '../route.ts';
import * as s from '../schemas.ts';

const tag = 'Alerts';

async function requireAlert(
  ctx: Pick<RouteContext<unknown, unknown, unknown>, 'principal' | 'deps'>,
  alertId: string,
): Promise<Alert> {
  const alert = await ctx.deps.repos.alerts.get(alertId);
  if (!alert || alert.tenantId !== ctx.principal.tenantId) throw new NotFoundError('Alert');
  return alert;
}

const listIssueAlerts = defineRoute({
  method: 'GET',
  path: '/v1/issues/{issueId}/alerts',
  scope: 'pantau/read',
  summary: "An issue's alerts, newest first",
  tag,
  params: s.issuePath,
  query: s.limitQuery,
  responses: [{ status: 200, description: 'The alerts', schema: s.items(s.alert) }],
  async handle(ctx) {
    const issue = await requireIssue(ctx, ctx.params.issueId);
    const items = await ctx.deps.repos.alerts.listByIssue(issue.id, ctx.query.limit);
    // Defence in depth: the issue partition is the tenant's, but never trust one check alone.
    return {
      status: 200,
      body: { items: items.filter((a) => a.tenantId === ctx.principal.tenantId) },
    };
  },
});

const listAlerts = defineRoute({
  method: 'GET',
  path: '/v1/alerts',
  scope: 'pantau/read',
  summary: "The tenant's alerts across issues, newest first, optionally by status",
  tag,
  query: s.alertsQuery,
  responses: [{ status: 200, description: 'The alerts', schema: s.items(s.alert) }],
  async handle(ctx) {
    const items = await ctx.deps.repos.alerts.listByTenant(
      ctx.principal.tenantId,
      ctx.query.status,
      ctx.query.limit,
    );
    return {
      status: 200,
      body: { items: items.filter((a) => a.tenantId === ctx.principal.tenantId) },
    };
  },
});

const getAlert = defineRoute({
  method: 'GET',
  path: '/v1/alerts/{alertId}',
  scope: 'pantau/read',
  summary: 'One alert with its evidence',
  tag,
  params: s.alertPath,
  query: s.emptyQuery,
  responses: [{ status: 200, description: 'The alert', schema: s.alert }],
  async handle(ctx) {
    return { status: 200, body: await requireAlert(ctx, ctx.params.alertId) };
  },
});

/** Which statuses an alert may move to from each status. */
const TRANSITIONS: Record<AlertStatus, AlertStatus[]> = {
  open: ['acknowledged', 'resolved'],
  acknowledged: ['resolved'],
  resolved: [],
};

function transitionRoute(action: 'ack' | 'resolve', status: AlertStatus, summary: string) {
  return defineRoute({
    method: 'POST',
    path: `/v1/alerts/{alertId}/${action}`,
    scope: 'pantau/write',
    summary,
    tag,
    params: s.alertPath,
    query: s.emptyQuery,
    body: s.noteBody,
    responses: [
      { status: 200, description: 'The updated alert', schema: s.alert },
      { status: 409, description: 'The alert is already in that status or past it' },
    ],
    async handle(ctx) {
      const alert = await requireAlert(ctx, ctx.params.alertId);
      if (!TRANSITIONS[alert.status].includes(status)) {
        throw new ConflictError(`Alert is ${alert.status}; it cannot become ${status}`);
      }
      const updated = await ctx.deps.repos.alerts.setStatus(
        alert,
        status,
        ctx.principal.actor,
        ctx.now.toISOString(),
        ctx.body.note,
      );
      await audit(ctx, `alert.${action}`, `alert/${alert.id}`, {
        from: alert.status,
        to: status,
        ...(ctx.body.note ? { note: ctx.body.note } : {}),
      });
      return { status: 200, body: updated };
    },
  });
}

const alertRoutes = [
  listIssueAlerts,
  listAlerts,
  getAlert,
  transitionRoute('ack', 'acknowledged', 'Acknowledge an open alert'),
  transitionRoute('resolve', 'resolved', 'Resolve an open or acknowledged alert'),
];

export { alertRoutes };
