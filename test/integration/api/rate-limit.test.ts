/**
 * The API rate limiter on DynamoDB Local: two limiter instances (two Lambda instances) count into
 * the same items, windows turn over at the minute, items carry the table's TTL, and the API's
 * 429 (with Retry-After on the wire) comes from it. Its failure paths run against fake DynamoDB
 * endpoints on loopback (one that throttles, one that never answers): the request goes ahead.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiHandler } from '../../../functions/api/handler.ts';
import { createApi } from '../../../lib/api/app.ts';
import { createLocalTokenAuthenticator, issueLocalToken } from '../../../lib/api/auth.ts';
import type { Repositories } from '../../../lib/domain/ports.ts';
import { createApiGatewayListener } from '../../../lib/local/api-gateway.ts';
import type { Log } from '../../../lib/runtime/log.ts';
import {
  createDocumentClient,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
} from '../../../lib/storage/clients.ts';
import { rateLimitKey } from '../../../lib/storage/keys.ts';
import { createDynamoRateLimiter } from '../../../lib/storage/rate-limit-repository.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import { TABLE_DEFINITION } from '../../../lib/storage/table-definition.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';

const MINUTE = '2026-11-29T18:00:00.000Z';
const at = (iso: string) => new Date(iso);

let table: TestTable;

beforeAll(async () => {
  table = await createTestTable('rate-limit');
});

afterAll(async () => {
  await table.drop();
});

function limiter(tenantPerMinute: number, clientPerMinute: number) {
  return createDynamoRateLimiter({
    table: { doc: table.doc, tableName: table.tableName },
    limits: { tenantPerMinute, clientPerMinute },
    // These tests are about counting: a check slowed past the default budget by a busy machine
    // must not fail open here (the fail-open tests set their own short budget).
    timeoutMs: 10_000,
  });
}

async function counter(windowIso: string, tenantId: string, clientId?: string) {
  const out = await table.doc.send(
    new GetCommand({
      TableName: table.tableName,
      Key: rateLimitKey(windowIso, tenantId, clientId),
      ConsistentRead: true,
    }),
  );
  return out.Item;
}

describe('DynamoDB rate limiter', () => {
  it('two instances share one count per client and per tenant', async () => {
    const a = limiter(100, 3);
    const b = limiter(100, 3);
    const now = at('2026-11-29T18:00:10.000Z');
    expect(await a.hit('share', 'token:one', now)).toEqual({ allowed: true });
    expect(await b.hit('share', 'token:one', now)).toEqual({ allowed: true });
    expect(await a.hit('share', 'token:one', now)).toEqual({ allowed: true });
    // The fourth request of the minute, on the instance that has seen only one of them.
    expect(await b.hit('share', 'token:one', now)).toEqual({
      allowed: false,
      limit: 'client',
      requestsPerMinute: 3,
      resetAt: at('2026-11-29T18:01:00.000Z'),
    });
    expect((await counter(MINUTE, 'share', 'token:one'))?.n).toBe(4);
    expect((await counter(MINUTE, 'share'))?.n).toBe(4);
  });

  it('counts every client of a tenant against the tenant limit, and names that limit', async () => {
    const a = limiter(5, 3);
    const b = limiter(5, 3);
    const now = at('2026-11-29T18:00:20.000Z');
    for (let i = 0; i < 3; i++) expect((await a.hit('busy', 'token:a', now)).allowed).toBe(true);
    for (let i = 0; i < 2; i++) expect((await b.hit('busy', 'token:b', now)).allowed).toBe(true);
    expect(await a.hit('busy', 'token:c', now)).toMatchObject({
      allowed: false,
      limit: 'tenant',
      requestsPerMinute: 5,
    });
    // Another agency, even through the same app client (the dashboard's), has its own budget.
    expect(await b.hit('quiet', 'token:a', now)).toEqual({ allowed: true });
    expect((await counter(MINUTE, 'quiet', 'token:a'))?.n).toBe(1);
    expect((await counter(MINUTE, 'quiet'))?.n).toBe(1);
  });

  it('starts a new window at the minute boundary', async () => {
    const l = limiter(100, 2);
    expect((await l.hit('edge', 'token:x', at('2026-11-29T18:00:58.000Z'))).allowed).toBe(true);
    expect((await l.hit('edge', 'token:x', at('2026-11-29T18:00:59.000Z'))).allowed).toBe(true);
    expect(await l.hit('edge', 'token:x', at('2026-11-29T18:00:59.999Z'))).toMatchObject({
      allowed: false,
      resetAt: at('2026-11-29T18:01:00.000Z'),
    });
    expect(await l.hit('edge', 'token:x', at('2026-11-29T18:01:00.000Z'))).toEqual({
      allowed: true,
    });
    expect((await counter(MINUTE, 'edge', 'token:x'))?.n).toBe(3);
    expect((await counter('2026-11-29T18:01:00.000Z', 'edge', 'token:x'))?.n).toBe(1);
  });

  it('writes items that expire through the table TTL attribute after their window', async () => {
    const l = limiter(100, 100);
    await l.hit('ttl', 'cognito:abc', at('2026-11-29T18:00:30.000Z'));
    const windowEnd = Date.parse('2026-11-29T18:01:00.000Z') / 1000;
    for (const item of [
      await counter(MINUTE, 'ttl'),
      await counter(MINUTE, 'ttl', 'cognito:abc'),
    ]) {
      expect(item).toMatchObject({ n: 1, entityType: 'rate-limit' });
      const ttl = item?.[TABLE_DEFINITION.timeToLiveAttribute] as number;
      expect(Number.isInteger(ttl)).toBe(true);
      // Past the window (never before it, or a count could vanish mid-window) and within minutes.
      expect(ttl).toBeGreaterThanOrEqual(windowEnd);
      expect(ttl).toBeLessThanOrEqual(windowEnd + 600);
    }
  });

  it('once a key is over its limit, the instance answers without writing until the window ends', async () => {
    const a = limiter(100, 1);
    const b = limiter(100, 1);
    const now = at('2026-11-29T18:00:40.000Z');
    expect((await a.hit('memo', 'token:r', now)).allowed).toBe(true);
    expect((await a.hit('memo', 'token:r', now)).allowed).toBe(false);
    for (let i = 0; i < 5; i++) expect((await a.hit('memo', 'token:r', now)).allowed).toBe(false);
    // The runaway client stopped adding to its tenant's count, which its siblings share.
    expect((await counter(MINUTE, 'memo', 'token:r'))?.n).toBe(2);
    expect((await counter(MINUTE, 'memo'))?.n).toBe(2);
    // Another instance still asks the store, and the store says no as well.
    expect((await b.hit('memo', 'token:r', now)).allowed).toBe(false);
    expect((await counter(MINUTE, 'memo', 'token:r'))?.n).toBe(3);
    // The next window asks the store again.
    expect((await a.hit('memo', 'token:r', at('2026-11-29T18:01:00.000Z'))).allowed).toBe(true);
  });

  it('rejects limits that are not positive integers', () => {
    expect(() => limiter(0, 1)).toThrow(/tenantPerMinute must be a positive integer/);
    expect(() => limiter(10, 1.5)).toThrow(/clientPerMinute must be a positive integer/);
  });
});

describe('API with the DynamoDB rate limiter', () => {
  let repos: Repositories;
  let server: Server;
  let base: string;
  let tokens: { one: string; two: string };

  beforeAll(async () => {
    repos = createRepositories({ doc: table.doc, tableName: table.tableName });
    const now = new Date();
    await repos.tenants.put({ id: 'wire', name: 'Wire', createdAt: now.toISOString() });
    const mint = async (name: string) =>
      (
        await issueLocalToken(repos.tenants, {
          tenantId: 'wire',
          scopes: ['pantau/read'],
          name,
          now,
        })
      ).token;
    tokens = { one: await mint('one'), two: await mint('two') };
    // The Lambda handler's API Gateway mapping behind the local runtime's HTTP adapter.
    const handler = buildApiHandler({
      repos,
      now: () => at('2026-11-29T18:00:30.000Z'),
      authenticator: createLocalTokenAuthenticator(repos.tenants),
      rateLimiter: createDynamoRateLimiter({
        table: { doc: table.doc, tableName: table.tableName },
        limits: { tenantPerMinute: 1000, clientPerMinute: 2 },
        timeoutMs: 10_000,
      }),
    });
    server = createServer(createApiGatewayListener({ handler, log: silentLog() }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('answers 429 with Retry-After on the wire past the client limit; other clients go on', async () => {
    const get = (token: string) =>
      fetch(`${base}/v1/issues`, { headers: { authorization: `Bearer ${token}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await get(tokens.one);
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    const limited = await get(tokens.one);
    expect([...statuses, limited.status]).toEqual([200, 200, 429]);
    // The clock stands at 18:00:30: the window ends in 30 s.
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await limited.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({
      code: 'rate_limited',
      details: { limit: 'client', requestsPerMinute: 2, retryAfterSeconds: 30 },
    });
    expect(body.error.message).toMatch(/this client \(client limit: 2 per minute\)/);
    const other = await get(tokens.two);
    expect(other.status).toBe(200);
    await other.arrayBuffer();
  });

  it('never limits the public routes', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${base}/health`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
  });
});

interface LoggedLine {
  message: string;
  fields?: Record<string, unknown>;
}

function silentLog(lines: LoggedLine[] = []): Log {
  const push = (message: string, fields?: Record<string, unknown>) => {
    lines.push({ message, fields });
  };
  return { debug: push, info: push, warn: push, error: push };
}

/** A DynamoDB endpoint on loopback that answers every call with `respond`. */
async function fakeDynamo(respond: (req: IncomingMessage, res: ServerResponse) => void) {
  const targets: string[] = [];
  const server = createServer((req, res) => {
    targets.push(String(req.headers['x-amz-target']));
    req.resume();
    req.on('end', () => respond(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const doc = createDocumentClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    // One attempt: the SDK's throttling backoff would otherwise outlast the limiter's timeout and
    // turn the answer into an AbortError, which the hanging endpoint below covers.
    maxAttempts: 1,
  });
  return {
    targets,
    doc,
    async close() {
      doc.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('API when the counter store fails (fail open)', () => {
  let repos: Repositories;
  let token: string;

  beforeAll(async () => {
    repos = createRepositories({ doc: table.doc, tableName: table.tableName });
    const now = new Date();
    await repos.tenants.put({ id: 'open', name: 'Open', createdAt: now.toISOString() });
    token = (
      await issueLocalToken(repos.tenants, { tenantId: 'open', scopes: ['pantau/read'], now })
    ).token;
  });

  async function run(
    respond: (req: IncomingMessage, res: ServerResponse) => void,
    times: string[],
  ) {
    const store = await fakeDynamo(respond);
    const lines: LoggedLine[] = [];
    const failures: unknown[] = [];
    let clock = at(times[0] as string);
    try {
      const api = createApi({
        repos,
        authenticator: createLocalTokenAuthenticator(repos.tenants),
        now: () => clock,
        log: silentLog(lines),
        onRateLimiterFailure: (err) => failures.push(err),
        rateLimiter: createDynamoRateLimiter({
          table: { doc: store.doc, tableName: 'any' },
          limits: { tenantPerMinute: 1, clientPerMinute: 1 },
          timeoutMs: 300,
        }),
      });
      const statuses: number[] = [];
      for (const time of times) {
        clock = at(time);
        const res = await api({
          method: 'GET',
          path: '/v1/issues',
          query: {},
          headers: { authorization: `Bearer ${token}` },
          body: undefined,
        });
        statuses.push(res.status);
        expect(res.body).not.toContain(token);
      }
      return { statuses, lines, failures, targets: store.targets };
    } finally {
      await store.close();
    }
  }

  it('lets requests through when DynamoDB throttles, logs once per minute and reports each', async () => {
    const out = await run(
      (_req, res) => {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
            message: 'Rate of requests exceeds the allowed throughput.',
          }),
        );
      },
      [
        '2026-11-29T18:00:01.000Z',
        '2026-11-29T18:00:02.000Z',
        '2026-11-29T18:00:03.000Z',
        '2026-11-29T18:01:01.000Z',
      ],
    );
    // Over a limit of 1 per minute, and still every request was served.
    expect(out.statuses).toEqual([200, 200, 200, 200]);
    expect(out.targets.length).toBeGreaterThan(0);
    expect(new Set(out.targets)).toEqual(new Set(['DynamoDB_20120810.UpdateItem']));
    expect(out.failures).toHaveLength(4);
    const warnings = out.lines.filter((l) => l.message.startsWith('Rate limiter unavailable'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]?.fields).toMatchObject({ error: 'ThrottlingException', failures: 1 });
    // The second line, in the next minute, counts the failures since the first.
    expect(warnings[1]?.fields).toMatchObject({ failures: 3 });
    for (const w of warnings) expect(JSON.stringify(w)).not.toContain(token);
  });

  it('lets requests through when DynamoDB never answers, after the limiter gives up', async () => {
    const out = await run(() => {
      // Never answers: the limiter's own timeout has to end the wait.
    }, ['2026-11-29T18:00:01.000Z', '2026-11-29T18:00:02.000Z']);
    expect(out.statuses).toEqual([200, 200]);
    expect(out.failures).toHaveLength(2);
    expect(out.lines.filter((l) => l.message.startsWith('Rate limiter unavailable'))).toHaveLength(
      1,
    );
  });
});
