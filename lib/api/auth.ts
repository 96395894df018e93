/**
 * Who is calling. Two authenticators behind one interface:
 * - local bearer tokens (`pt_…`), minted by `issueLocalToken`, stored only as SHA-256 and looked
 *   up per request, so a revocation takes effect at once;
 * - Amazon Cognito client-credentials access tokens, verified with aws-jwt-verify against the
 *   user pool's JWKS. The tenant comes from the verified token only: a custom claim, or the
 *   token's client id mapped to a tenant by an item stored next to the local tokens.
 * Nothing in the path, query or body can choose the tenant.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { FetchError, JwksValidationError } from 'aws-jwt-verify/error';
import type { JwksCache } from 'aws-jwt-verify/jwk';
import {
  ForbiddenError,
  PantauError,
  UnauthorizedError,
  ValidationError,
} from '../domain/errors.ts';
import type { ApiToken, Repositories, TenantRepository } from '../domain/ports.ts';
import type { AuthConfig } from '../runtime/config.ts';
import { newId } from './ids.ts';
import { type Authenticator, type Principal, SCOPES, type Scope } from './types.ts';

const TOKEN_PREFIX = 'pt_';
/**
 * Issued tokens are `pt_` + 43 base64url characters, but an operator may pin the demo token
 * (PANTAU_DEMO_TOKEN) to any value of printable ASCII; only the stored hash decides.
 */
const LOCAL_TOKEN = /^[\x21-\x7E]{8,512}$/;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_HEADER = 8_192;

function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** The stored form of a local token. */
function hashToken(token: string): string {
  return sha256Hex(token);
}

/** The stored key of a Cognito app client's tenant mapping; never collides with a token hash. */
function cognitoClientKey(clientId: string): string {
  return sha256Hex(`cognito-client\n${clientId}`);
}

function bearer(header: string | undefined): string {
  if (!header) throw new UnauthorizedError();
  if (header.length > MAX_HEADER) throw new UnauthorizedError('Authorization header too long');
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
  if (!match?.[1]) throw new UnauthorizedError('Authorization must be "Bearer <token>"');
  return match[1];
}

function isLive(token: ApiToken, now: Date): boolean {
  if (token.revokedAt) return false;
  return !token.expiresAt || Date.parse(token.expiresAt) > now.getTime();
}

/** Admin implies write, write implies read: a write client never needs two tokens. */
function hasScope(principal: Principal, needed: Scope): boolean {
  const rank = (s: string) => SCOPES.indexOf(s as Scope);
  const want = rank(needed);
  return principal.scopes.some((s) => rank(s) >= want);
}

function requireScope(principal: Principal, needed: Scope): void {
  if (!hasScope(principal, needed)) throw new ForbiddenError(`This needs the ${needed} scope`);
}

function knownScopes(scopes: readonly string[]): Scope[] {
  return SCOPES.filter((s) => scopes.includes(s));
}

interface IssueTokenInput {
  tenantId: string;
  scopes: string[];
  name?: string;
  expiresAt?: string;
  now?: Date;
}

/** Mints a local token. The secret is returned once and never stored. */
async function issueLocalToken(
  tenants: TenantRepository,
  input: IssueTokenInput,
): Promise<{ token: string; id: string; record: Omit<ApiToken, 'hash'> }> {
  if (!TENANT_ID.test(input.tenantId)) throw new ValidationError('Invalid tenant id');
  const scopes = knownScopes(input.scopes);
  if (scopes.length === 0 || scopes.length !== new Set(input.scopes).size) {
    throw new ValidationError(`Scopes must be among ${SCOPES.join(', ')}`, {
      field: 'scopes',
      given: input.scopes,
    });
  }
  const now = input.now ?? new Date();
  if (input.expiresAt !== undefined && !(Date.parse(input.expiresAt) > now.getTime())) {
    throw new ValidationError('expiresAt must be a future ISO-8601 time', { field: 'expiresAt' });
  }
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = newId('tok');
  const record: ApiToken = {
    hash: hashToken(token),
    tenantId: input.tenantId,
    id,
    name: input.name ?? id,
    scopes,
    createdAt: now.toISOString(),
    ...(input.expiresAt ? { expiresAt: new Date(input.expiresAt).toISOString() } : {}),
  };
  await tenants.putToken(record);
  const { hash: _hash, ...visible } = record;
  return { token, id, record: visible };
}

function createLocalTokenAuthenticator(
  tenants: TenantRepository,
  opts: { now?: () => Date } = {},
): Authenticator {
  const now = opts.now ?? (() => new Date());
  return {
    async authenticate(header) {
      const token = bearer(header);
      if (!LOCAL_TOKEN.test(token)) throw new UnauthorizedError('Unknown bearer token');
      const hash = hashToken(token);
      const stored = await tenants.getToken(hash);
      if (!stored || stored.hash !== hash) throw new UnauthorizedError('Unknown bearer token');
      if (!isLive(stored, now())) throw new UnauthorizedError('Bearer token revoked or expired');
      const clientId = `token:${stored.id}`;
      return {
        tenantId: stored.tenantId,
        clientId,
        actor: clientId,
        scopes: knownScopes(stored.scopes),
      };
    },
  };
}

/** Maps a Cognito app client to a tenant (stored as a token-like item, revocable the same way). */
async function mapCognitoClient(
  tenants: TenantRepository,
  input: { clientId: string; tenantId: string; name?: string; now?: Date },
): Promise<{ id: string }> {
  if (!TENANT_ID.test(input.tenantId)) throw new ValidationError('Invalid tenant id');
  if (!/^[A-Za-z0-9]{1,128}$/.test(input.clientId)) {
    throw new ValidationError('Invalid Cognito app client id');
  }
  const id = newId('cog');
  await tenants.putToken({
    hash: cognitoClientKey(input.clientId),
    tenantId: input.tenantId,
    id,
    name: input.name ?? `cognito:${input.clientId}`,
    // The mapping grants nothing itself: scopes always come from the access token.
    scopes: [],
    createdAt: (input.now ?? new Date()).toISOString(),
  });
  return { id };
}

interface CognitoAuthOptions {
  userPoolId: string;
  /** Where client-to-tenant mappings live (see mapCognitoClient). */
  tenants?: TenantRepository;
  /** Fixed mappings, e.g. from configuration; checked before the table. */
  clientTenantMap?: Record<string, string>;
  /** A claim holding the tenant id, set by a pre-token-generation trigger. */
  tenantClaim?: string;
  /** Tests hydrate a local JWKS here; in Lambda the default cache fetches and keeps it. */
  jwksCache?: JwksCache;
  graceSeconds?: number;
}

class AuthUnavailableError extends PantauError {
  constructor(options?: ErrorOptions) {
    super('auth_unavailable', 'Token verification is unavailable; retry shortly', 503, options);
  }
}

function createCognitoAuthenticator(opts: CognitoAuthOptions): Authenticator {
  const verifier = CognitoJwtVerifier.create(
    {
      userPoolId: opts.userPoolId,
      tokenUse: 'access',
      clientId: null,
      graceSeconds: opts.graceSeconds ?? 0,
    },
    opts.jwksCache ? { jwksCache: opts.jwksCache } : undefined,
  );

  async function tenantOf(payload: Record<string, unknown>, clientId: string): Promise<string> {
    const claimed = opts.tenantClaim ? payload[opts.tenantClaim] : undefined;
    if (typeof claimed === 'string' && TENANT_ID.test(claimed)) return claimed;
    const fixed = opts.clientTenantMap?.[clientId];
    if (fixed) return fixed;
    const mapping = opts.tenants
      ? await opts.tenants.getToken(cognitoClientKey(clientId))
      : undefined;
    if (mapping && !mapping.revokedAt && TENANT_ID.test(mapping.tenantId)) return mapping.tenantId;
    throw new ForbiddenError('This client is not assigned to a tenant');
  }

  return {
    async authenticate(header) {
      const token = bearer(header);
      if (!JWT_SHAPE.test(token)) throw new UnauthorizedError('Malformed bearer token');
      let payload: Record<string, unknown>;
      try {
        payload = (await verifier.verify(token)) as unknown as Record<string, unknown>;
      } catch (err) {
        // Our side failing to fetch the JWKS is not the caller's fault: say so, with a 503.
        if (err instanceof FetchError || err instanceof JwksValidationError) {
          throw new AuthUnavailableError({ cause: err });
        }
        if (err instanceof Error) {
          throw new UnauthorizedError(
            /expired/i.test(err.message) ? 'Bearer token expired' : 'Invalid bearer token',
          );
        }
        throw err;
      }
      const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined;
      if (!clientId) throw new UnauthorizedError('Access token has no client_id');
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
      // A user's access token (hosted UI sign-in) names the user; a client-credentials token
      // has no username, and then the client is the actor.
      const username = typeof payload.username === 'string' ? payload.username : undefined;
      return {
        tenantId: await tenantOf(payload, clientId),
        clientId: `cognito:${clientId}`,
        actor: username ? `user:${username}` : `cognito:${clientId}`,
        scopes: knownScopes(scopes),
      };
    },
  };
}

function createAuthenticatorFromConfig(
  config: AuthConfig,
  repos: Pick<Repositories, 'tenants'>,
): Authenticator {
  if (config.mode === 'local') return createLocalTokenAuthenticator(repos.tenants);
  return createCognitoAuthenticator({
    userPoolId: config.userPoolId,
    tenants: repos.tenants,
    tenantClaim: 'custom:tenant_id',
  });
}

export type { CognitoAuthOptions, IssueTokenInput };
export {
  AuthUnavailableError,
  cognitoClientKey,
  createAuthenticatorFromConfig,
  createCognitoAuthenticator,
  createLocalTokenAuthenticator,
  hashToken,
  hasScope,
  issueLocalToken,
  mapCognitoClient,
  requireScope,
};
