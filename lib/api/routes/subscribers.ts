/** Subscribers: who gets an issue's alerts, by SMS or email, from which level up. */
import { NotFoundError } from '../../domain/errors.ts';
import type { Subscriber } from '../../domain/types.ts';
import { newId } from '../ids.ts';
import { audit, defineRoute, requireIssue } from '../route.ts';
import * as s from '../schemas.ts';

const tag = 'Subscribers';

/** Audit entries keep who was added without copying a full phone number or address. */
function maskAddress(sub: Pick<Subscriber, 'channel' | 'address'>): string {
  if (sub.channel === 'sms') return `${sub.address.slice(0, 5)}…${sub.address.slice(-3)}`;
  const [user = '', domain = ''] = sub.address.split('@');
  return `${user.slice(0, 2)}…@${domain}`;
}

const listSubscribers = defineRoute({
  method: 'GET',
  path: '/v1/issues/{issueId}/subscribers',
  scope: 'pantau/read',
  summary: "An issue's subscribers",
  tag,
  params: s.issuePath,
  query: s.emptyQuery,
  responses: [{ status: 200, description: 'The subscribers', schema: s.items(s.subscriber) }],
  async handle(ctx) {
    const issue = await requireIssue(ctx, ctx.params.issueId);
    const items = await ctx.deps.repos.subscribers.list(issue.id);
    return {
      status: 200,
      body: {
        items: items
          .filter((x) => x.tenantId === ctx.principal.tenantId)
          .map(({ subscriptionArn: _arn, ...visible }) => visible),
      },
    };
  },
});

const addSubscriber = defineRoute({
  method: 'POST',
  path: '/v1/issues/{issueId}/subscribers',
  scope: 'pantau/write',
  summary: 'Subscribe a phone number (E.164, e.g. +62…) or an email address to alerts',
  tag,
  params: s.issuePath,
  query: s.emptyQuery,
  body: s.subscriberBody,
  responses: [{ status: 201, description: 'The subscriber', schema: s.subscriber }],
  async handle(ctx) {
    const issue = await requireIssue(ctx, ctx.params.issueId);
    const sub: Subscriber = {
      tenantId: ctx.principal.tenantId,
      issueId: issue.id,
      id: newId('sub'),
      channel: ctx.body.channel,
      address: ctx.body.channel === 'email' ? ctx.body.address.toLowerCase() : ctx.body.address,
      minLevel: ctx.body.minLevel,
      lang: ctx.body.lang,
      createdAt: ctx.now.toISOString(),
    };
    // Subscribe first: a stored subscriber without its SNS subscription would silently get
    // nothing. If storing then fails, the subscription is withdrawn again.
    const subscriptionArn = await ctx.deps.subscriptions?.subscribe(sub);
    try {
      await ctx.deps.repos.subscribers.add({ ...sub, subscriptionArn });
    } catch (err) {
      await ctx.deps.subscriptions?.unsubscribe({ ...sub, subscriptionArn });
      throw err;
    }
    await audit(ctx, 'subscriber.add', `issue/${issue.id}/subscriber/${sub.id}`, {
      channel: sub.channel,
      address: maskAddress(sub),
      minLevel: sub.minLevel,
    });
    return {
      status: 201,
      body: sub,
      headers: { location: `/v1/issues/${issue.id}/subscribers/${sub.id}` },
    };
  },
});

const removeSubscriber = defineRoute({
  method: 'DELETE',
  path: '/v1/issues/{issueId}/subscribers/{subscriberId}',
  scope: 'pantau/write',
  summary: 'Remove a subscriber',
  tag,
  params: s.subscriberPath,
  query: s.emptyQuery,
  responses: [{ status: 204, description: 'Removed' }],
  async handle(ctx) {
    const issue = await requireIssue(ctx, ctx.params.issueId);
    const sub = (await ctx.deps.repos.subscribers.list(issue.id)).find(
      (x) => x.id === ctx.params.subscriberId && x.tenantId === ctx.principal.tenantId,
    );
    if (!sub) throw new NotFoundError('Subscriber');
    await ctx.deps.subscriptions?.unsubscribe(sub);
    const removed = await ctx.deps.repos.subscribers.remove(issue.id, sub.id);
    if (!removed) throw new NotFoundError('Subscriber');
    await audit(ctx, 'subscriber.remove', `issue/${issue.id}/subscriber/${sub.id}`, {
      channel: sub.channel,
      address: maskAddress(sub),
    });
    return { status: 204 };
  },
});

const subscriberRoutes = [listSubscribers, addSubscriber, removeSubscriber];

export { maskAddress, subscriberRoutes };
