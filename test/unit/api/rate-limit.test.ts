/**
 * The API's side of rate limiting, over an in-memory limiter that keeps the port's contract
 * (fixed one-minute windows, tenant and client counts): where the check sits, what a 429 says,
 * and that a failing limiter never fails a request. The DynamoDB limiter itself runs on DynamoDB
 * Local in test/integration/api/rate-limit.test.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../../lib/api/app.ts';
import { buildOpenApiDocument } from '../../../lib/api/openapi.ts';
import type { RateLimiter } from '../../../lib/domain/ports.ts';
import type { Log } from '../../../lib/runtime/log.ts';
import { createFakeRepositories } from './fakes.ts';
import { buildApi, client, tenantWithTokens } from './fixtures.ts';

const NOW = new Date('2026-11-29T09:00:45.000Z');

/** Fixed one-minute windows in memory, counting like the DynamoDB limiter does. */
function createMemoryLimiter(limits: { tenant: number; client: number }) {
  const counts = new Map<string, number>();
  const calls: { tenantId: string; clientId: string; now: Date }[] = [];
  const bump = (key: string) => {
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    return n;
  };
  const limiter: RateLimiter = {
    async hit(tenantId, clientId, now) {
      calls.push({ tenantId, clientId, now });
      const start = now.getTime() - (now.getTime() % 60_000);
      const resetAt = new Date(start + 60_000);
      const tenant = bump(`${start}\n${tenantId}`);
      const own = bump(`${start}\n${tenantId}\n${clientId}`);
      if (own > limits.client) {
        return { allowed: false, limit: 'client', requestsPerMinute: limits.client, resetAt };
      }
      if (tenant > limits.tenant) {
        return { allowed: false, limit: 'tenant', requestsPerMinute: limits.tenant, resetAt };
      }
      return { allowed: true };
    },
  };
  return { limiter, calls };
}

function recordingLog() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  const log: Log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

async function setup(limits = { tenant: 4, client: 2 }) {
  const repos = createFakeRepositories();
  const memory = createMemoryLimiter(limits);
  let clock = NOW;
  const api = buildApi(repos, { now: () => clock, rateLimiter: memory.limiter });
  const a = await tenantWithTokens(repos, 'kominfo', NOW);
  const b = await tenantWithTokens(repos, 'bapanas', NOW);
  return {
    call: client(api),
    memory,
    a,
    b,
    setClock(iso: string) {
      clock = new Date(iso);
    },
  };
}

describe('API: rate limits', () => {
  let t: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    t = await setup();
  });

  it('answers 429 past the client limit with Retry-After and a JSON body naming that limit', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await t.call('GET', '/v1/issues', { token: t.a.read })).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    const res = await t.call('GET', '/v1/issues', { token: t.a.read });
    expect(res.status).toBe(429);
    // 09:00:45: the window ends in 15 s.
    expect(res.headers['retry-after']).toBe('15');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(res.json).toEqual({
      error: {
        code: 'rate_limited',
        message:
          'Too many requests from this client (client limit: 2 per minute); retry after 15 s',
        details: { limit: 'client', requestsPerMinute: 2, retryAfterSeconds: 15 },
      },
    });
  });

  it("names the tenant limit when the agency's clients together are over it", async () => {
    expect((await t.call('GET', '/v1/issues', { token: t.a.read })).status).toBe(200);
    expect((await t.call('GET', '/v1/issues', { token: t.a.read })).status).toBe(200);
    expect((await t.call('GET', '/v1/issues', { token: t.a.write })).status).toBe(200);
    expect((await t.call('GET', '/v1/issues', { token: t.a.write })).status).toBe(200);
    const res = await t.call('GET', '/v1/issues', { token: t.a.admin });
    expect(res.status).toBe(429);
    expect(res.json.error.details).toEqual({
      limit: 'tenant',
      requestsPerMinute: 4,
      retryAfterSeconds: 15,
    });
    expect(res.json.error.message).toMatch(/this agency's clients together \(tenant limit: 4/);
    // Nothing of any tenant, own or other, beyond the limit itself.
    expect(res.raw.body).not.toMatch(/kominfo|bapanas|token:/);
    // Another agency has its own budget.
    expect((await t.call('GET', '/v1/issues', { token: t.b.read })).status).toBe(200);
  });

  it("passes the verified tenant and client, and the API's clock, to the limiter", async () => {
    await t.call('GET', '/v1/issues', { token: t.a.read });
    await t.call('GET', '/v1/issues', { token: t.b.write });
    expect(t.memory.calls).toHaveLength(2);
    const [first, second] = t.memory.calls;
    expect(first?.tenantId).toBe('kominfo');
    expect(second?.tenantId).toBe('bapanas');
    expect(first?.clientId).toMatch(/^token:/);
    expect(first?.clientId).not.toBe(second?.clientId);
    expect(first?.now).toEqual(NOW);
  });

  it('gives a Retry-After of at least one second at the very end of a window', async () => {
    t.setClock('2026-11-29T09:00:59.900Z');
    for (let i = 0; i < 2; i++) await t.call('GET', '/v1/issues', { token: t.a.read });
    const res = await t.call('GET', '/v1/issues', { token: t.a.read });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    t.setClock('2026-11-29T09:01:00.000Z');
    expect((await t.call('GET', '/v1/issues', { token: t.a.read })).status).toBe(200);
  });

  it('never limits or counts public routes', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await t.call('GET', '/health')).status).toBe(200);
      expect((await t.call('GET', '/v1/openapi.json')).status).toBe(200);
    }
    expect(t.memory.calls).toHaveLength(0);
  });

  it('checks after authentication and scope: rejected credentials and scopes are not counted', async () => {
    expect((await t.call('GET', '/v1/issues')).status).toBe(401);
    expect((await t.call('GET', '/v1/issues', { token: 'nope' })).status).toBe(401);
    const forbidden = await t.call('POST', '/v1/issues', {
      token: t.a.read,
      body: { name: 'Harga beras', query: 'beras' },
    });
    expect(forbidden.status).toBe(403);
    expect(t.memory.calls).toHaveLength(0);
  });
});

describe('API: a failing rate limiter (fail open)', () => {
  async function failing(error: unknown) {
    const repos = createFakeRepositories();
    const tokens = await tenantWithTokens(repos, 'kominfo', NOW);
    const { log, lines } = recordingLog();
    const failures: unknown[] = [];
    let clock = NOW;
    const api = buildApi(repos, {
      now: () => clock,
      log,
      onRateLimiterFailure: (err) => failures.push(err),
      rateLimiter: {
        async hit() {
          throw error;
        },
      },
    });
    const call = client(api);
    return {
      tokens,
      lines,
      failures,
      get: (token: string) => call('GET', '/v1/issues', { token }),
      setClock(iso: string) {
        clock = new Date(iso);
      },
    };
  }

  it('serves every request, reports each failure and logs it once per minute', async () => {
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
      name: 'ThrottlingException',
    });
    const f = await failing(throttled);
    for (let i = 0; i < 5; i++) expect((await f.get(f.tokens.read)).status).toBe(200);
    f.setClock('2026-11-29T09:01:10.000Z');
    expect((await f.get(f.tokens.write)).status).toBe(200);
    expect(f.failures).toEqual([throttled, throttled, throttled, throttled, throttled, throttled]);
    const warnings = f.lines.filter((l) => l.level === 'warn');
    expect(warnings.map((w) => w.message)).toEqual([
      'Rate limiter unavailable; requests go through unlimited',
      'Rate limiter unavailable; requests go through unlimited',
    ]);
    expect(warnings[0]?.fields).toEqual({
      error: 'ThrottlingException',
      message: 'Rate of requests exceeds the allowed throughput.',
      failures: 1,
    });
    expect(warnings[1]?.fields?.failures).toBe(5);
    // No error line: nothing failed for the caller.
    expect(f.lines.filter((l) => l.level === 'error')).toEqual([]);
    for (const line of f.lines) {
      expect(JSON.stringify(line)).not.toContain(f.tokens.read);
      expect(JSON.stringify(line)).not.toContain(f.tokens.write);
    }
  });

  it('also goes on when the limiter throws something that is not an Error', async () => {
    const f = await failing('socket closed');
    expect((await f.get(f.tokens.read)).status).toBe(200);
    expect(f.lines[0]?.fields).toMatchObject({ error: 'string', message: 'socket closed' });
  });

  it('still answers auth errors as before while the limiter is down', async () => {
    const f = await failing(new Error('down'));
    expect((await f.get('not-a-token')).status).toBe(401);
    expect(f.failures).toEqual([]);
  });
});

describe('API: the 429 in the OpenAPI document', () => {
  it('documents Retry-After on every limited operation and on no public one', () => {
    const doc = buildOpenApiDocument(API_ROUTES) as {
      paths: Record<string, Record<string, { responses: Record<string, { headers?: unknown }> }>>;
    };
    let limited = 0;
    for (const route of API_ROUTES) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op).toBeDefined();
      const tooMany = op?.responses['429'];
      if (route.scope === 'public') {
        expect(tooMany).toBeUndefined();
        continue;
      }
      limited++;
      expect(tooMany?.headers).toEqual({
        'Retry-After': expect.objectContaining({
          schema: { type: 'integer', minimum: 1, maximum: 60 },
        }),
      });
    }
    expect(limited).toBeGreaterThan(0);
  });
});
