import { describe, expect, it } from 'vitest';
import {
  assertSubscriberAddress,
  isE164,
  isEmail,
  normalizePhone,
} from '../../../lib/alerts/index.ts';
import { ValidationError } from '../../../lib/domain/errors.ts';

describe('subscriber addresses', () => {
  it('accepts E.164 numbers and refuses local or malformed ones', () => {
    expect(isE164('+6281234567890')).toBe(true);
    expect(isE164('+12025550123')).toBe(true);
    for (const bad of [
      '081234567890',
      '+0812345678',
      '+62 812 3456 7890',
      '+62812345678901234',
      '+62',
    ]) {
      expect(isE164(bad), bad).toBe(false);
    }
  });

  it('normalises the ways Indonesian numbers are written', () => {
    expect(normalizePhone('0812-3456-7890')).toBe('+6281234567890');
    expect(normalizePhone('62 812 3456 7890')).toBe('+6281234567890');
    expect(normalizePhone('+62 (812) 3456.7890')).toBe('+6281234567890');
    expect(normalizePhone('006281234567890')).toBe('+6281234567890');
    expect(normalizePhone('812345')).toBeUndefined();
    expect(normalizePhone('0812')).toBeUndefined();
  });

  it('accepts ordinary email addresses and refuses broken ones', () => {
    for (const ok of ['humas@kominfo.go.id', 'a.b+alert@pemda-jabar.go.id', 'x@y.co']) {
      expect(isEmail(ok), ok).toBe(true);
    }
    for (const bad of [
      'humas',
      'humas@',
      '@kominfo.go.id',
      'a b@x.id',
      'a@@x.id',
      'a@x',
      'a@-x.id',
      'a..b@x.id',
      `${'a'.repeat(65)}@x.id`,
    ]) {
      expect(isEmail(bad), bad).toBe(false);
    }
  });

  it('checks an address against its channel without echoing it', () => {
    expect(() =>
      assertSubscriberAddress({ channel: 'sms', address: '+6281234567890' }),
    ).not.toThrow();
    expect(() =>
      assertSubscriberAddress({ channel: 'email', address: 'humas@kominfo.go.id' }),
    ).not.toThrow();
    let err: unknown;
    try {
      assertSubscriberAddress({ channel: 'sms', address: '0812999' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).not.toContain('0812999');
    expect(() => assertSubscriberAddress({ channel: 'email', address: '+62812' })).toThrow(
      ValidationError,
    );
    expect(() => assertSubscriberAddress({ channel: 'fax' as never, address: 'x' })).toThrow(
      /channel/,
    );
  });
});
