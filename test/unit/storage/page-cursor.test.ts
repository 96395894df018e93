import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lib/domain/errors.ts';
import { createPageCursorCodec } from '../../../lib/storage/page-cursor.ts';

const key = { pk: 'ISSUE#beras', sk: 'M#2026-03-01T00:00:00.000Z#demo#1' };

describe('page cursors', () => {
  it('round-trips a key for the scope it was issued for', () => {
    const codec = createPageCursorCodec('s3cret');
    const cursor = codec.encode('mentions\nberas\nasc', key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(codec.decode('mentions\nberas\nasc', cursor)).toEqual(key);
  });

  it('is opaque: the key is not readable as plain text in the cursor', () => {
    const cursor = createPageCursorCodec('s3cret').encode('scope', key);
    expect(cursor).not.toContain('ISSUE');
  });

  it('rejects a cursor for another scope, another secret, or with any byte changed', () => {
    const codec = createPageCursorCodec('s3cret');
    const cursor = codec.encode('mentions\nberas\nasc', key);
    const invalid = new ValidationError('Invalid cursor');
    expect(() => codec.decode('mentions\nbbm\nasc', cursor)).toThrow(invalid);
    expect(() => createPageCursorCodec('other').decode('mentions\nberas\nasc', cursor)).toThrow(
      invalid,
    );
    for (let i = 0; i < cursor.length; i++) {
      if (cursor[i] === '.') continue;
      const flipped = cursor[i] === 'A' ? 'B' : 'A';
      const tampered = cursor.slice(0, i) + flipped + cursor.slice(i + 1);
      expect(() => codec.decode('mentions\nberas\nasc', tampered)).toThrow(ValidationError);
    }
  });

  it('rejects malformed input without throwing anything but ValidationError', () => {
    const codec = createPageCursorCodec('s3cret');
    for (const bad of ['', '.', 'abc', 'a.b', `${'a'.repeat(5000)}.${'b'.repeat(43)}`, 'é.ü']) {
      expect(() => codec.decode('scope', bad)).toThrow(ValidationError);
    }
    // A correctly signed body that is not a key object.
    const signedArray = createPageCursorCodec('s3cret').encode('scope', [1, 2] as never);
    expect(() => codec.decode('scope', signedArray)).toThrow(ValidationError);
  });

  it('without a secret, still signs with a per-process random key', () => {
    const a = createPageCursorCodec();
    const b = createPageCursorCodec();
    const cursor = a.encode('scope', key);
    expect(a.decode('scope', cursor)).toEqual(key);
    expect(() => b.decode('scope', cursor)).toThrow(ValidationError);
  });
});

describe('page cursor signatures', () => {
  it('accepts only the canonical spelling of a signature', () => {
    // Try secrets until the signature ends in a character with unused low bits set to zero, so
    // a sibling character decodes to the same bytes.
    for (let n = 0; n < 200; n++) {
      const codec = createPageCursorCodec(`secret-${n}`);
      const cursor = codec.encode('scope', key);
      const last = cursor.at(-1) as string;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const idx = alphabet.indexOf(last);
      if (idx % 4 !== 0) continue;
      const sibling = `${cursor.slice(0, -1)}${alphabet[idx + 1]}`;
      expect(Buffer.from(sibling.split('.')[1] as string, 'base64url')).toEqual(
        Buffer.from(cursor.split('.')[1] as string, 'base64url'),
      );
      expect(() => codec.decode('scope', sibling)).toThrow(ValidationError);
      return;
    }
    throw new Error('no secret produced a signature ending in a multiple-of-4 character');
  });
});
