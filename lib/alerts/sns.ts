/**
 * Alerts over Amazon SNS: one publish per alert with per-protocol bodies, routed to
 * subscribers by filter policies on the message attributes tenant, issue and severity.
 */
import {
  ConfirmSubscriptionCommand,
  PublishCommand,
  type SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import type { Subscriptions } from '../api/types.ts';
import { PantauError, PartialDeliveryError, ValidationError } from '../domain/errors.ts';
import type { AlertPublisher } from '../domain/ports.ts';
import type { Alert, Subscriber } from '../domain/types.ts';
import { levelRank } from '../domain/types.ts';
import { formatEmail, formatSms, type Lang } from './messages.ts';
import { assertSubscriberAddress } from './validate.ts';

/** SNS Subject: printable ASCII, no line breaks, under 100 characters. */
function snsSubject(subject: string): string {
  const ascii = subject
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return ascii.length <= 99 ? ascii : `${ascii.slice(0, 96)}...`;
}

/**
 * The attributes filter policies match on; severity is a Number so `>=` works, and `lang` picks
 * the one publish per language a subscriber reads.
 */
function messageAttributes(alert: Alert, lang: Lang = 'id') {
  return {
    tenant: { DataType: 'String', StringValue: alert.tenantId },
    issue: { DataType: 'String', StringValue: alert.issueId },
    severity: { DataType: 'Number', StringValue: String(levelRank(alert.level)) },
    lang: { DataType: 'String', StringValue: lang },
  };
}

/** Every language a subscriber may choose; SNS cannot translate, so each gets its own publish. */
const MESSAGE_LANGS: readonly Lang[] = ['id', 'en'];

/** The MessageStructure=json body: `default` is required; `sms` and `email` per protocol. */
function messageBody(alert: Alert, lang: Lang, baseUrl: string | undefined): string {
  const sms = formatSms(alert, lang, baseUrl);
  const email = formatEmail(alert, lang, baseUrl);
  return JSON.stringify({
    default: `${email.subject}\n\n${email.text}`,
    sms,
    email: email.text,
    'email-json': JSON.stringify({ subject: email.subject, text: email.text, alert }),
  });
}

/**
 * One publish per language (Indonesian first), each reaching only the subscribers whose filter
 * policy names that language. If a later publish fails, PartialDeliveryError names the languages
 * already sent; the detector records them and its retry skips them.
 */
function createSnsPublisher(opts: {
  sns: SNSClient;
  topicArn: string;
  baseUrl?: string;
  langs?: readonly Lang[];
}): AlertPublisher {
  const langs = opts.langs ?? MESSAGE_LANGS;
  async function publishIn(alert: Alert, lang: Lang): Promise<string> {
    const email = formatEmail(alert, lang, opts.baseUrl);
    const out = await opts.sns.send(
      new PublishCommand({
        TopicArn: opts.topicArn,
        MessageStructure: 'json',
        Message: messageBody(alert, lang, opts.baseUrl),
        Subject: snsSubject(email.subject),
        MessageAttributes: messageAttributes(alert, lang),
      }),
    );
    if (!out.MessageId) {
      throw new PantauError('publish_failed', `SNS returned no MessageId for alert ${alert.id}`);
    }
    return out.MessageId;
  }
  return {
    async publish(alert, publishOpts) {
      const skip = new Set(publishOpts?.skip ?? []);
      const ids: string[] = [];
      const delivered: string[] = [];
      for (const lang of langs) {
        if (skip.has(lang)) continue;
        try {
          ids.push(await publishIn(alert, lang));
        } catch (err) {
          if (delivered.length === 0) throw err;
          throw new PartialDeliveryError(delivered, err);
        }
        delivered.push(lang);
      }
      return { messageId: ids.join(',') };
    },
  };
}

/**
 * The filter policy of one subscriber: its tenant, its issue, every severity at or above its
 * minimum level, and its language. Scope is MessageAttributes (the SNS default), set explicitly.
 */
function buildFilterPolicy(sub: Pick<Subscriber, 'tenantId' | 'issueId' | 'minLevel' | 'lang'>) {
  return {
    tenant: [sub.tenantId],
    issue: [sub.issueId],
    severity: [{ numeric: ['>=', levelRank(sub.minLevel)] as ['>=', number] }],
    lang: [sub.lang],
  };
}

/** Creates the SNS subscription of a subscriber; returns its ARN (pending for unconfirmed email). */
async function subscribe(sns: SNSClient, topicArn: string, sub: Subscriber): Promise<string> {
  assertSubscriberAddress(sub);
  const out = await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: sub.channel,
      Endpoint: sub.address,
      Attributes: {
        FilterPolicy: JSON.stringify(buildFilterPolicy(sub)),
        FilterPolicyScope: 'MessageAttributes',
      },
      ReturnSubscriptionArn: true,
    }),
  );
  if (!out.SubscriptionArn) {
    throw new PantauError('subscribe_failed', `SNS returned no SubscriptionArn for ${sub.id}`);
  }
  return out.SubscriptionArn;
}

async function unsubscribe(sns: SNSClient, subscriptionArn: string): Promise<void> {
  await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
}

/** What the confirmation link in SNS's "Subscription Confirmation" email carries. */
export interface SubscriptionConfirmation {
  token: string;
  /** The topic named in the link; absent when only the token was pasted. */
  topicArn?: string;
}

const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
const TOKEN = /^[A-Za-z0-9]{16,2048}$/;

function invalidConfirmation(message: string): ValidationError {
  return new ValidationError(message, [{ field: 'body.confirmation', message }]);
}

/**
 * Reads what an official pastes: the whole confirmation link from the email
 * (`https://sns.<region>.amazonaws.com/confirmation.html?TopicArn=…&Token=…`) or its token.
 */
function parseConfirmation(input: string): SubscriptionConfirmation {
  const text = input.trim();
  if (TOKEN.test(text)) return { token: text };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidConfirmation('must be the confirmation link from the AWS email, or its Token');
  }
  if (url.protocol !== 'https:' || !SNS_HOST.test(url.hostname)) {
    throw invalidConfirmation('must be an https://sns.<region>.amazonaws.com confirmation link');
  }
  const token = url.searchParams.get('Token') ?? '';
  if (!TOKEN.test(token)) throw invalidConfirmation('the link carries no valid Token');
  return { token, topicArn: url.searchParams.get('TopicArn') ?? undefined };
}

/**
 * Confirms an email subscription with AuthenticateOnUnsubscribe, so the unsubscribe link in every
 * alert email needs AWS credentials: a forwarded alert cannot silence the official who got it.
 * Returns the confirmed subscription's ARN.
 */
async function confirmSubscription(
  sns: SNSClient,
  topicArn: string,
  confirmation: SubscriptionConfirmation,
): Promise<string> {
  if (confirmation.topicArn !== undefined && confirmation.topicArn !== topicArn) {
    throw invalidConfirmation("the link is for another SNS topic than this deployment's alerts");
  }
  try {
    const out = await sns.send(
      new ConfirmSubscriptionCommand({
        TopicArn: topicArn,
        Token: confirmation.token,
        AuthenticateOnUnsubscribe: 'true',
      }),
    );
    if (!out.SubscriptionArn) {
      throw new PantauError('confirm_failed', 'SNS confirmed nothing (no SubscriptionArn)');
    }
    return out.SubscriptionArn;
  } catch (err) {
    // SNS answers an expired, used-up or foreign token with InvalidParameter / NotFound.
    const name = (err as { name?: string }).name;
    if (name === 'InvalidParameterException' || name === 'NotFoundException') {
      throw invalidConfirmation(
        'SNS rejected the token: it is wrong or expired (links last 3 days); add the subscriber again for a new email',
      );
    }
    throw err;
  }
}

/** The API's subscription port over SNS: subscribe on add, unsubscribe on remove, confirm email. */
function createSnsSubscriptions(sns: SNSClient, topicArn: string): Subscriptions {
  return {
    subscribe: (sub) => subscribe(sns, topicArn, sub),
    async unsubscribe(sub) {
      if (sub.subscriptionArn) await unsubscribe(sns, sub.subscriptionArn);
    },
    confirm: (_sub, confirmation) => confirmSubscription(sns, topicArn, confirmation),
  };
}

export {
  buildFilterPolicy,
  confirmSubscription,
  createSnsPublisher,
  createSnsSubscriptions,
  messageAttributes,
  parseConfirmation,
  snsSubject,
  subscribe,
  unsubscribe,
};
