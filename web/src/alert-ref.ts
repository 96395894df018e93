/**
 * The short alert reference SMS and email links carry (`/a/<REF>`): 8 characters from SHA-256 of
 * the alert id, the same derivation as lib/alerts/messages.ts, so the dashboard resolves a link
 * without an API lookup by reference. Web Crypto only: runs in browsers and in Node tests.
 */

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const REF_PATH = /^\/a\/([A-HJ-NP-Z2-9]{8})\/?$/;

async function alertRef(alertId: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(alertId)),
  );
  let out = '';
  for (let i = 0; i < 8; i += 1) out += ALPHABET[(digest[i] as number) % 32];
  return out;
}

/** The reference in a link path like `/a/K7QX2MZP`, or undefined. */
function refFromPath(pathname: string): string | undefined {
  return REF_PATH.exec(pathname)?.[1];
}

/** The id among `alertIds` whose reference is `ref`. */
async function findByRef(ref: string, alertIds: string[]): Promise<string | undefined> {
  for (const id of alertIds) if ((await alertRef(id)) === ref) return id;
  return undefined;
}

export { alertRef, findByRef, refFromPath };
