export { gsm7Length, isGsm7, SMS_SEGMENT, toGsm7 } from './gsm7.ts';
export type { EmailMessage, Lang } from './messages.ts';
export { alertRef, formatEmail, formatSms } from './messages.ts';
export type { OutboxDelivery } from './outbox.ts';
export { createOutboxPublisher, subscriberMatches } from './outbox.ts';
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
} from './sns.ts';
export { assertSubscriberAddress, isE164, isEmail, normalizePhone } from './validate.ts';
