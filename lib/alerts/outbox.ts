/**
 * The local stand-in for SNS delivery: for each alert, every subscriber whose filter policy
 * would match gets one JSON line in the outbox file with the exact text SNS would send them,
 * and the console gets a one-line summary. Nothing leaves the machine.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AlertPublisher, SubscriberRepository } from '../domain/ports.ts';
import type { Alert, Subscriber } from '../domain/types.ts';
import { levelRank } from '../domain/types.ts';
import { formatEmail, formatSms } from './messages.ts';

export interface OutboxDelivery {
  at: string;
  messageId: string;
  alertId: string;
  tenantId: string;
  issueId: string;
  level: Alert['level'];
  state: Alert['state'];
  subscriberId: string;
  channel: Subscriber['channel'];
  address: string;
  lang: Subscriber['lang'];
  subject?: string;
  text: string;
}

/** The same test SNS applies with buildFilterPolicy: tenant, issue, severity >= minimum. */
function matches(alert: Alert, sub: Subscriber): boolean {
  return (
    sub.tenantId === alert.tenantId &&
    sub.issueId === alert.issueId &&
    levelRank(alert.level) >= levelRank(sub.minLevel)
  );
}

function createOutboxPublisher(opts: {
  file: string;
  subscribers: SubscriberRepository;
  console?: boolean;
  baseUrl?: string;
  now?: () => Date;
}): AlertPublisher {
  const now = opts.now ?? (() => new Date());
  return {
    async publish(alert) {
      const messageId = randomUUID();
      const at = now().toISOString();
      const subs = (await opts.subscribers.list(alert.issueId)).filter((s) => matches(alert, s));
      const lines: string[] = [];
      for (const sub of subs) {
        const base = {
          at,
          messageId,
          alertId: alert.id,
          tenantId: alert.tenantId,
          issueId: alert.issueId,
          level: alert.level,
          state: alert.state,
          subscriberId: sub.id,
          channel: sub.channel,
          address: sub.address,
          lang: sub.lang,
        };
        let delivery: OutboxDelivery;
        if (sub.channel === 'sms') {
          delivery = { ...base, text: formatSms(alert, sub.lang, opts.baseUrl) };
        } else {
          const email = formatEmail(alert, sub.lang, opts.baseUrl);
          delivery = { ...base, subject: email.subject, text: email.text };
        }
        lines.push(JSON.stringify(delivery));
      }
      if (lines.length > 0) {
        await mkdir(dirname(opts.file), { recursive: true });
        // One append per alert, so concurrent publishes never interleave half lines.
        await appendFile(opts.file, `${lines.join('\n')}\n`, 'utf8');
      }
      if (opts.console !== false) {
        const sms = subs.filter((s) => s.channel === 'sms').length;
        const email = subs.length - sms;
        console.log(
          `[outbox] ${alert.level} ${alert.state}: ${alert.issueName} (${alert.evidence.negative} negative) -> ${sms} sms, ${email} email${lines.length ? ` (${opts.file})` : ''}`,
        );
      }
      return { messageId };
    },
  };
}

export { createOutboxPublisher, matches as subscriberMatches };
