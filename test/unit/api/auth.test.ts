import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCognitoAuthenticator,
  createLocalTokenAuthenticator,
  hashToken,
  issueLocalToken,
  mapCognitoClient,
} from '../../../lib/api/auth.ts';
import { UnauthorizedError } from '../../../lib/domain/errors.ts';
import { createFakeRepositories } from './fakes.ts';
import { buildApi, client, makeAlert, makeMention } from './fixtures.ts';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const NOW_ISO = new Date().toISOString();
const POOL = 'ap-southeast-3_Test1234';
const ISSUER = `https://cognito-idp.ap-southeast-3.amazonaws.com/${POOL}`;

describe('Local token authenticator', () => {
  it('mints pt_ tokens, stores only their SHA-256 and authenticates them', async () => {
    const repos = createFakeRepositories();
    const { token, id } = await issueLocalToken(repos.tenants, {
      tenantId: 'kominfo',
      scopes: ['pantau/read', 'pantau/write'],
      name: 'dashboard',
    });
    expect(token).toMatch(/^pt_[A-Za-z0-9_-]{43}$/);
    const stored = await repos.tenants.listTokens('kominfo');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.hash).toBe(hashToken(token));
    expect(JSON.stringify(stored)).not.toContain(token.slice(3));
    const principal = await createLocalTokenAuthenticator(repos.tenants).authenticate(
      `Bearer ${token}`,
    );
    expect(principal).toEqual({
      tenantId: 'kominfo',
      clientId: `token:${id}`,
      actor: `token:${id}`,
      scopes: ['pantau/read', 'pantau/write'],
    });
  });

  it('rejects expired and revoked tokens', async () => {
    const repos = createFakeRepositories();
    let now = new Date('2026-11-29T00:00:00Z');
    const auth = createLocalTokenAuthenticator(repos.tenants, { now: () => now });
    const { token, id } = await issueLocalToken(repos.tenants, {
      tenantId: 'kominfo',
      scopes: ['pantau/read'],
      expiresAt: '2026-11-30T00:00:00Z',
      now,
    });
    await expect(auth.authenticate(`Bearer ${token}`)).resolves.toMatchObject({
      tenantId: 'kominfo',
    });
    now = new Date('2026-11-30T00:00:01Z');
    await expect(auth.authenticate(`Bearer ${token}`)).rejects.toBeInstanceOf(UnauthorizedError);
    now = new Date('2026-11-29T12:00:00Z');
    await repos.tenants.revokeToken('kominfo', id, now.toISOString());
    await expect(auth.authenticate(`Bearer ${token}`)).rejects.toThrow(/revoked or expired/);
  });

  it('refuses unknown scopes and past expiry when minting', async () => {
    const repos = createFakeRepositories();
    await expect(
      issueLocalToken(repos.tenants, { tenantId: 'kominfo', scopes: ['pantau/root'] }),
    ).rejects.toThrow(/Scopes must be among/);
    await expect(
      issueLocalToken(repos.tenants, {
        tenantId: 'kominfo',
        scopes: ['pantau/read'],
        expiresAt: '2020-01-01T00:00:00Z',
      }),
    ).rejects.toThrow(/future/);
  });
});

describe('Cognito authenticator against a local JWKS', () => {
  let server: Server;
  let jwksUp = true;
  let signingKey: PrivateKey;
  let forgerKey: PrivateKey;
  let jwk: JWK;
  let base: string;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    signingKey = pair.privateKey;
    forgerKey = (await generateKeyPair('RS256')).privateKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    server = createServer((req, res) => {
      if (!jwksUp || req.url !== `/${POOL}/.well-known/jwks.json`) {
        res.writeHead(jwksUp ? 404 : 503).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  /** The real HTTPS fetch, pointed at the loopback server instead of Cognito. */
  function loopbackCache() {
    return new SimpleJwksCache({
      fetcher: {
        async fetch(uri: string) {
          const res = await fetch(uri.replace(/^https:\/\/cognito-idp\.[^/]+/, base));
          if (!res.ok) {
            const { FetchError } = await import('aws-jwt-verify/error');
            throw new FetchError(uri, `status ${res.status}`);
          }
          return res.arrayBuffer();
        },
      },
    });
  }

  async function sign(
    claims: Record<string, unknown>,
    opts: { key?: PrivateKey; expiresIn?: string | number; kid?: string } = {},
  ) {
    return new SignJWT({
      token_use: 'access',
      client_id: 'client1',
      scope: 'pantau/read',
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'key-1' })
      .setIssuer((claims.iss as string) ?? ISSUER)
      .setIssuedAt()
      .setExpirationTime(opts.expiresIn ?? '5m')
      .sign(opts.key ?? signingKey);
  }

  async function setup(
    extra: Parameters<typeof createCognitoAuthenticator>[0] extends infer O
      ? Partial<O>
      : never = {},
  ) {
    const repos = createFakeRepositories();
    await mapCognitoClient(repos.tenants, { clientId: 'client1', tenantId: 'kominfo' });
    const auth = createCognitoAuthenticator({
      userPoolId: POOL,
      tenants: repos.tenants,
      jwksCache: loopbackCache(),
      ...extra,
    });
    return { repos, auth };
  }

  it('accepts a valid access token and takes the tenant from the client mapping', async () => {
    const { auth } = await setup();
    const token = await sign({ scope: 'pantau/read pantau/write openid' });
    await expect(auth.authenticate(`Bearer ${token}`)).resolves.toEqual({
      tenantId: 'kominfo',
      clientId: 'cognito:client1',
      actor: 'cognito:client1',
      scopes: ['pantau/read', 'pantau/write'],
    });
  });

  it("names the signed-in official as the actor of a user's access token", async () => {
    const { auth } = await setup();
    // Every official's dashboard is the same app client: only the username tells them apart.
    const budi = await sign({ username: 'budi.santoso', sub: 'a1b2c3' });
    const sari = await sign({ username: 'sari.dewi', sub: 'd4e5f6' });
    await expect(auth.authenticate(`Bearer ${budi}`)).resolves.toMatchObject({
      clientId: 'cognito:client1',
      actor: 'user:budi.santoso',
    });
    await expect(auth.authenticate(`Bearer ${sari}`)).resolves.toMatchObject({
      clientId: 'cognito:client1',
      actor: 'user:sari.dewi',
    });
  });

  it('takes the tenant from a custom claim when configured', async () => {
    const { auth } = await setup({ tenantClaim: 'custom:tenant_id' });
    const token = await sign({ client_id: 'unmapped', 'custom:tenant_id': 'bapanas' });
    await expect(auth.authenticate(`Bearer ${token}`)).resolves.toMatchObject({
      tenantId: 'bapanas',
    });
  });

  it('rejects a forged signature, an expired token, a wrong issuer and an ID token', async () => {
    const { auth } = await setup();
    const cases = {
      forged: await sign({}, { key: forgerKey }),
      expired: await sign({}, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
      issuer: await sign({
        iss: 'https://cognito-idp.ap-southeast-3.amazonaws.com/ap-southeast-3_Other',
      }),
      idToken: await sign({ token_use: 'id' }),
      unknownKid: await sign({}, { kid: 'key-2' }),
      algNone: `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'key-1' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: ISSUER, client_id: 'client1', token_use: 'access', exp: 9e9 })).toString('base64url')}.x`,
    };
    for (const [name, token] of Object.entries(cases)) {
      await expect(auth.authenticate(`Bearer ${token}`), name).rejects.toBeInstanceOf(
        UnauthorizedError,
      );
    }
    await expect(auth.authenticate(`Bearer ${cases.expired}`)).rejects.toThrow(/expired/);
  });

  it('answers 403 through the API for a token without the needed scope or tenant', async () => {
    const { repos, auth } = await setup();
    const call = client(buildApi(repos, { authenticator: auth }));
    const noScope = await sign({ scope: 'openid email' });
    expect((await call('GET', '/v1/issues', { token: noScope })).status).toBe(403);
    const readOnly = await sign({ scope: 'pantau/read' });
    expect((await call('GET', '/v1/issues', { token: readOnly })).status).toBe(200);
    expect(
      (await call('POST', '/v1/issues', { token: readOnly, body: { name: 'x', query: 'y' } }))
        .status,
    ).toBe(403);
    const unmapped = await sign({ client_id: 'client9' });
    const res = await call('GET', '/v1/issues', { token: unmapped });
    expect(res.status).toBe(403);
    expect(res.json.error.message).toMatch(/not assigned to a tenant/);
  });

  it('records the official, not the shared dashboard client, as who corrected, acked and audited', async () => {
    const { repos, auth } = await setup();
    await repos.tenants.put({ id: 'kominfo', name: 'Kominfo', createdAt: NOW_ISO });
    const call = client(buildApi(repos, { authenticator: auth }));
    const scope = 'pantau/read pantau/write pantau/admin';
    const budi = await sign({ username: 'budi.santoso', scope });
    const sari = await sign({ username: 'sari.dewi', scope });
    const created = await call('POST', '/v1/issues', {
      token: budi,
      body: { name: 'Beras', query: 'beras' },
    });
    expect(created.status).toBe(201);
    const issueId = created.json.id as string;
    const mention = makeMention('kominfo', issueId, 1, new Date(NOW_ISO));
    expect(await repos.mentions.putNew(mention)).toBe(true);
    const [stored] = repos._mentions.get(issueId) ?? [];
    const corrected = await call('POST', `/v1/mentions/${stored?.id}/sentiment`, {
      token: sari,
      body: { label: 'NEGATIVE' },
    });
    expect(corrected.status).toBe(200);
    const alert = makeAlert('kominfo', issueId, '2026-11-29T08:00:00.000Z');
    expect(await repos.alerts.create(alert)).toBe(true);
    const acked = await call('POST', `/v1/alerts/${alert.id}/ack`, { token: budi, body: {} });
    expect(acked.status).toBe(200);
    expect(acked.json.acknowledgedBy).toBe('user:budi.santoso');

    const [correction] = await repos.mentions.listCorrections();
    expect(correction?.by).toBe('user:sari.dewi');
    const audit = await call('GET', '/v1/audit', { token: sari });
    const byAction = Object.fromEntries(
      (audit.json.items as { action: string; actor?: string; clientId: string }[]).map((e) => [
        e.action,
        e,
      ]),
    );
    expect(byAction['issue.create']).toMatchObject({
      actor: 'user:budi.santoso',
      clientId: 'cognito:client1',
    });
    expect(byAction['mention.sentiment.correct']?.actor).toBe('user:sari.dewi');
    expect(byAction['alert.ack']?.actor).toBe('user:budi.santoso');
    const me = await call('GET', '/v1/me', { token: sari });
    expect(me.json).toMatchObject({ clientId: 'cognito:client1', actor: 'user:sari.dewi' });
  });

  it('counts each signed-in official on their own, though they share one app client', async () => {
    const { repos, auth } = await setup();
    const counted: string[] = [];
    const call = client(
      buildApi(repos, {
        authenticator: auth,
        rateLimiter: {
          async hit(tenantId, clientId) {
            counted.push(`${tenantId}/${clientId}`);
            return { allowed: true };
          },
        },
      }),
    );
    for (const username of ['budi.santoso', 'sari.dewi']) {
      const token = await sign({ username });
      expect((await call('GET', '/v1/issues', { token })).status).toBe(200);
    }
    expect((await call('GET', '/v1/issues', { token: await sign({}) })).status).toBe(200);
    expect(counted).toEqual([
      'kominfo/user:budi.santoso',
      'kominfo/user:sari.dewi',
      'kominfo/cognito:client1',
    ]);
  });

  it('stops honouring a revoked client mapping', async () => {
    const { repos, auth } = await setup();
    const [mapping] = await repos.tenants.listTokens('kominfo');
    await repos.tenants.revokeToken('kominfo', mapping?.id ?? '', new Date().toISOString());
    await expect(auth.authenticate(`Bearer ${await sign({})}`)).rejects.toThrow(/not assigned/);
  });

  it('answers 503, not 401, when the JWKS cannot be fetched', async () => {
    const { repos, auth } = await setup();
    jwksUp = false;
    try {
      const call = client(buildApi(repos, { authenticator: auth }));
      const res = await call('GET', '/v1/issues', { token: await sign({}) });
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe('auth_unavailable');
      expect(res.headers['retry-after']).toBe('5');
    } finally {
      jwksUp = true;
    }
  });
});
