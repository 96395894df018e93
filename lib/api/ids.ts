import { randomBytes } from 'node:crypto';

/** Random, URL-safe ids (72 bits): unguessable, so an id never hints at another tenant's data. */
function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

export { newId };
