/**
 * Subscriber address checks. Addresses come from officials typing into forms, so they are
 * normalised where the intent is unambiguous (an Indonesian 08… number) and refused otherwise.
 */
import { ValidationError } from '../domain/errors.ts';
import type { Subscriber } from '../domain/types.ts';

/** E.164: '+', a country code not starting with 0, at most 15 digits in all. */
function isE164(phone: string): boolean {
  return /^\+[1-9]\d{7,14}$/.test(phone);
}

/**
 * Normalises the ways Indonesians write a mobile number (0812-3456-789, 62812…, +62 812 …) to
 * E.164; undefined when the result is not E.164.
 */
function normalizePhone(input: string): string | undefined {
  const compact = input.trim().replace(/[\s().-]/g, '');
  let e164: string;
  if (compact.startsWith('+')) e164 = compact;
  else if (compact.startsWith('00')) e164 = `+${compact.slice(2)}`;
  else if (compact.startsWith('0')) e164 = `+62${compact.slice(1)}`;
  else if (compact.startsWith('62')) e164 = `+${compact}`;
  else return undefined;
  return isE164(e164) ? e164 : undefined;
}

/**
 * A practical address check (RFC 5321 lengths, one '@', a dotted domain of LDH labels, no
 * spaces or quotes); SNS sends a confirmation mail that proves the rest.
 */
function isEmail(address: string): boolean {
  if (address.length > 254) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0 || at !== address.indexOf('@')) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (
    local.length > 64 ||
    !/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(local)
  ) {
    return false;
  }
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  return (
    labels.every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l)) &&
    /^[A-Za-z]{2,63}$/.test(labels[labels.length - 1] as string)
  );
}

/** Throws a ValidationError naming the problem when a subscriber's address does not fit its channel. */
function assertSubscriberAddress(sub: Pick<Subscriber, 'channel' | 'address'>): void {
  if (sub.channel === 'sms') {
    if (!isE164(sub.address)) {
      // The address itself stays out of the message: errors end up in logs.
      throw new ValidationError('SMS subscriber address must be an E.164 number like +62812…');
    }
  } else if (sub.channel === 'email') {
    if (!isEmail(sub.address)) {
      throw new ValidationError('email subscriber address is not a valid address');
    }
  } else {
    throw new ValidationError(
      `unknown subscriber channel '${String((sub as { channel: unknown }).channel)}'`,
    );
  }
}

export { assertSubscriberAddress, isE164, isEmail, normalizePhone };
