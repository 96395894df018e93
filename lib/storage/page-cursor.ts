/**
 * Opaque, tamper-evident page cursors: `<base64url(json key)>.<base64url(hmac)>`. The HMAC-SHA256
 * covers the key and the scope it was issued for (an issue and a sort order), so a client can
 * neither edit a cursor to read another partition nor replay one issue's cursor on another.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../domain/errors.ts';

export type PageKey = Record<string, string>;

export interface PageCursorCodec {
  encode(scope: string, key: PageKey): string;
  /** Throws ValidationError('Invalid cursor') for anything not issued by `encode` for `scope`. */
  decode(scope: string, cursor: string): PageKey;
}

/** Cursors are sent in URLs; a longer one is not ours. */
const MAX_CURSOR_LENGTH = 2_048;
const CURSOR_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;

function invalid(): ValidationError {
  return new ValidationError('Invalid cursor');
}

/**
 * Without a configured secret the key is random per process: cursors then work within one
 * process (tests, a single local runtime) and are rejected by any other. Deployed stacks set one.
 */
function createPageCursorCodec(secret?: string): PageCursorCodec {
  const hmacKey = secret && secret.length > 0 ? Buffer.from(secret, 'utf8') : randomBytes(32);
  const mac = (scope: string, body: string) =>
    createHmac('sha256', hmacKey).update(scope).update('\n').update(body).digest();

  return {
    encode(scope, key) {
      const body = Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
      return `${body}.${mac(scope, body).toString('base64url')}`;
    },
    decode(scope, cursor) {
      if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH) throw invalid();
      if (!CURSOR_SHAPE.test(cursor)) throw invalid();
      const [body = '', sig = ''] = cursor.split('.');
      // Compared as canonical text: decoding first would accept variants of the last character
      // that differ only in its unused bits.
      const given = Buffer.from(sig, 'utf8');
      const expected = Buffer.from(mac(scope, body).toString('base64url'), 'utf8');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch (err) {
        throw new ValidationError('Invalid cursor', { cause: String(err) });
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid();
      const key: PageKey = {};
      for (const [k, v] of Object.entries(parsed)) {
        if (typeof v !== 'string') throw invalid();
        key[k] = v;
      }
      return key;
    },
  };
}

export { createPageCursorCodec };
