/** Subscribers: who gets an issue's alerts, by SMS or email, from which level up. */
import { parseConfirmation } from '../../alerts/sns.ts';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import type { Subscriber } from '../../domain/types.ts';
import { newId } from '../ids.ts';
import { audit, auditCreate, defineRoute, requireIssue } from '../route.ts';
import * as s from '../schemas.ts';

const tag = 'Subscribers';

/** Audit entries keep who was added without copying a full phone number or address. */
function maskAddress(sub: Pick<Subscriber, 'channel' | 'address'>): string {
  if (sub.channel === 'sms') return `${sub.address.slice(0, 5)}…${sub.address.slice(-3)}`;
  const [user = '', domain = ''] = sub.address.split('@');
  return `${user.slice(0, 2)}…@${domain}`;
}

type Confirmation = 'not-needed' | 'pending' | 'confirmed';

/**
 * What API clients see of a subscriber: never the SNS subscription ARN, plus whether an email
 * still waits for its confirmation (only where alerts go through SNS).
 */
function visible(
  { subscriptionArn: _arn, ...rest }: Subscriber,
  viaSns: boolean,
): Omit<Subscriber, 'subscriptionArn'> & { confirmation: Confirmation } {
  const confirmation: Confirmation =
    !viaSns || rest.channel !== 'email' ? 'not-needed' : rest.confirmedAt ? 'confirmed' : 'pending';
  return { ...rest, confirmation };
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
          .map((x) => visible(x, ctx.deps.subscriptions !== undefined)),
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
    await auditCreate(
      ctx,
      'subscriber.add',
      `issue/${issue.id}/subscriber/${sub.id}`,
      { channel: sub.channel, address: maskAddress(sub), minLevel: sub.minLevel },
      async () => {
        await ctx.deps.subscriptions?.unsubscribe({ ...sub, subscriptionArn });
        await ctx.deps.repos.subscribers.remove(issue.id, sub.id);
      },
    );
    return {
      status: 201,
      body: visible(sub, ctx.deps.subscriptions !== undefined),
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

const confirmSubscriber = defineRoute({
  method: 'POST',
  path: '/v1/issues/{issueId}/subscribers/{subscriberId}/confirm',
  scope: 'pantau/write',
  summary:
    "Confirm an email subscriber with the link from AWS's confirmation email, so that unsubscribing needs authentication",
  tag,
  params: s.subscriberPath,
  query: s.emptyQuery,
  body: s.subscriberConfirmBody,
  responses: [{ status: 200, description: 'The confirmed subscriber', schema: s.subscriber }],
  async handle(ctx) {
    const issue = await requireIssue(ctx, ctx.params.issueId);
    const sub = (await ctx.deps.repos.subscribers.list(issue.id)).find(
      (x) => x.id === ctx.params.subscriberId && x.tenantId === ctx.principal.tenantId,
    );
    if (!sub) throw new NotFoundError('Subscriber');
    if (sub.channel !== 'email') {
      throw new ConflictError('Only email subscribers are confirmed; SMS needs no confirmation');
    }
    const subscriptions = ctx.deps.subscriptions;
    if (!subscriptions) {
      throw new ConflictError(
        'This deployment delivers alerts through the local outbox: there is no SNS subscription to confirm',
      );
    }
    const subscriptionArn = await subscriptions.confirm(
      sub,
      parseConfirmation(ctx.body.confirmation),
    );
    if (sub.subscriptionArn && subscriptionArn !== sub.subscriptionArn) {
      // The token confirmed someone else's pending subscription (harmless: only its inbox had
      // it), but it is not this subscriber's, so nothing is recorded here.
      throw new ConflictError("The confirmation link belongs to another subscriber's email");
    }
    const confirmed: Subscriber = { ...sub, subscriptionArn, confirmedAt: ctx.now.toISOString() };
    await ctx.deps.repos.subscribers.add(confirmed);
    await audit(ctx, 'subscriber.confirm', `issue/${issue.id}/subscriber/${sub.id}`, {
      channel: sub.channel,
      address: maskAddress(sub),
    });
    return { status: 200, body: visible(confirmed, true) };
  },
});

const subscriberRoutes = [listSubscribers, addSubscriber, removeSubscriber, confirmSubscriber];

export { maskAddress, subscriberRoutes };
