/**
 * May this session write (label sentiment, acknowledge, ...)? Read-only tokens (`pantau/read`)
 * should see controls they cannot use as disabled with the reason, not fail on press. A Cognito
 * access token says its scopes in its `scope` claim; a local `pt_` token is opaque, so the API is
 * asked once per token (`GET /v1/me`, ApiClient.writeAccess). The answer only shapes the page: the API
 * still enforces the scope on every write.
 */
import { ApiError } from './api.ts';
import { currentSession } from './auth.ts';
import type { ViewContext } from './view.ts';

const WRITE_SCOPES = ['pantau/write', 'pantau/admin'];

/** Per token, so signing in with another token asks again; a promise, so callers share one ask. */
const known = new Map<string, Promise<boolean>>();

/** The `scope` claim of a JWT, or undefined when the token is not a JWT carrying one. */
function jwtScopes(token: string): string[] | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, '='))) as {
      scope?: unknown;
    };
    return typeof json.scope === 'string' ? json.scope.split(/\s+/).filter(Boolean) : undefined;
  } catch {
    return undefined;
  }
}

async function ask(ctx: ViewContext, token: string): Promise<boolean> {
  const scopes = jwtScopes(token);
  if (scopes) return scopes.some((s) => WRITE_SCOPES.includes(s));
  try {
    return await ctx.api.writeAccess();
  } catch (err) {
    known.delete(token);
    if (err instanceof ApiError && err.status === 401) throw err;
    return true;
  }
}

/**
 * True when the session may write. When the API cannot be asked (network), the answer is true
 * and not remembered: the control stays usable and the write itself reports the error.
 */
function canWrite(ctx: ViewContext): Promise<boolean> {
  const token = currentSession(ctx.config)?.token;
  if (!token) return Promise.resolve(false);
  let answer = known.get(token);
  if (!answer) {
    answer = ask(ctx, token);
    known.set(token, answer);
  }
  return answer;
}

/** A write answered 403: remember it, so the page stops offering what the token cannot do. */
function markReadOnly(ctx: ViewContext): void {
  const token = currentSession(ctx.config)?.token;
  if (token) known.set(token, Promise.resolve(false));
}

export { canWrite, jwtScopes, markReadOnly };
