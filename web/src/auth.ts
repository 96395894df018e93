/**
 * Signing in. Locally: the demo token from `/?token=…` (printed by `npm start`), kept in
 * localStorage so an alert link opened in a new tab works too (it is a demo credential on
 * loopback). In AWS: Cognito's hosted UI with the authorization code flow and PKCE; the access
 * token stays in sessionStorage only, and an expired one simply sends the official back through
 * the hosted UI, whose own session makes that a redirect rather than a password prompt.
 */
import { pkceChallenge, randomString } from './pkce.ts';
import type { DashboardConfig } from './types.ts';

const LOCAL_KEY = 'pantau.token';
const SESSION_KEY = 'pantau.session';
const PKCE_KEY = 'pantau.pkce';

interface Session {
  token: string;
  /** Epoch ms; absent for the local demo token. */
  expiresAt?: number;
}

class AuthError extends Error {
  override name = 'AuthError';
}

function currentSession(config: DashboardConfig, now = Date.now()): Session | undefined {
  if (config.auth.mode === 'token') {
    const token = localStorage.getItem(LOCAL_KEY);
    return token ? { token } : undefined;
  }
  const raw = sessionStorage.getItem(SESSION_KEY);
  if (!raw) return undefined;
  try {
    const s = JSON.parse(raw) as Session;
    // A minute of margin: a token that expires mid-request fails as a confusing 401.
    if (typeof s.token !== 'string' || (s.expiresAt !== undefined && s.expiresAt - 60_000 < now)) {
      sessionStorage.removeItem(SESSION_KEY);
      return undefined;
    }
    return s;
  } catch {
    sessionStorage.removeItem(SESSION_KEY);
    return undefined;
  }
}

function storeLocalToken(token: string): void {
  localStorage.setItem(LOCAL_KEY, token.trim());
}

function signOut(): void {
  localStorage.removeItem(LOCAL_KEY);
  sessionStorage.removeItem(SESSION_KEY);
}

/** Removes sign-in parameters from the address bar so they are neither bookmarked nor shared. */
function cleanUrl(pathAndHash: string): void {
  history.replaceState(null, '', pathAndHash);
}

/**
 * Consumes `?token=` (local) or `?code=&state=` (Cognito) if the page was opened with them.
 * Returns true when a new session was established.
 */
async function completeSignIn(config: DashboardConfig): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  if (config.auth.mode === 'token') {
    const token = params.get('token');
    if (!token) return false;
    storeLocalToken(token);
    cleanUrl(`${location.pathname}${location.hash}`);
    return true;
  }
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return false;
  const pending = sessionStorage.getItem(PKCE_KEY);
  sessionStorage.removeItem(PKCE_KEY);
  const saved = pending
    ? (JSON.parse(pending) as { verifier: string; state: string; returnTo: string })
    : undefined;
  // Only a same-origin path goes back into the address bar.
  cleanUrl(saved && /^\/(?!\/)/.test(saved.returnTo) ? saved.returnTo : location.pathname);
  if (error) throw new AuthError(params.get('error_description') ?? error);
  if (!saved || saved.state !== params.get('state')) {
    throw new AuthError('state mismatch: start the sign-in again');
  }
  const res = await fetch(`${config.auth.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.auth.clientId,
      code: code ?? '',
      redirect_uri: config.auth.redirectUri,
      code_verifier: saved.verifier,
    }),
  });
  if (!res.ok) throw new AuthError(`token endpoint answered ${res.status}`);
  const body = (await res.json()) as { access_token?: string; expires_in?: number };
  if (!body.access_token) throw new AuthError('token endpoint returned no access token');
  const session: Session = {
    token: body.access_token,
    expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000,
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return true;
}

/** Sends the browser to the hosted UI; the current route comes back through `state`. */
async function startCognitoSignIn(config: DashboardConfig): Promise<void> {
  if (config.auth.mode !== 'cognito') return;
  const verifier = randomString(48);
  const state = randomString(16);
  sessionStorage.setItem(
    PKCE_KEY,
    JSON.stringify({ verifier, state, returnTo: `${location.pathname}${location.hash}` }),
  );
  const url = new URL(`${config.auth.domain}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.auth.clientId,
    redirect_uri: config.auth.redirectUri,
    scope: config.auth.scopes.join(' '),
    state,
    code_challenge: await pkceChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.href);
}

export type { Session };
export { AuthError, completeSignIn, currentSession, signOut, startCognitoSignIn, storeLocalToken };
