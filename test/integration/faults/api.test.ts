/**
 * The API under DynamoDB faults, through the api Lambda's handler and API Gateway proxy events,
 * on real repositories in DynamoDB Local over a client that fails on demand: a failing call
 * answers a 5xx JSON body that names only the request id, the error is logged, and a failed
 * write route leaves the tenant's data exactly as it was.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApiHandler } from '../../../functions/api/handler.ts';
import { createLocalTokenAuthenticator } from '../../../lib/api/auth.ts';
import type { Repositories } from '../../../lib/domain/ports.ts';
import type { Log } from '../../../lib/runtime/log.ts';
import { awsErrors, type Faults } from '../../helpers/faults.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';
import { type SeededTenant, seedTenant, snapshotTenant } from '../api/seed.ts';
import { cleanRepos, faultyRepos } from './support.ts';

type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

let requestSeq = 0;

function event(
  method: string,
  path: string,
  token: string,
  body?: unknown,
  query: Record<string, string> | null = null,
): APIGatewayProxyEvent {
  requestSeq += 1;
  return {
    httpMethod: method,
    path,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    queryStringParameters: query,
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: `faults-req-${requestSeq}`, identity: { sourceIp: '10.0.0.1' } },
  } as unknown as APIGatewayProxyEvent;
}

const entityIs = (type: string) => (input: Record<string, unknown>) =>
  (input.Item as { entityType?: unknown } | undefined)?.entityType === type;

describe('API under DynamoDB faults', () => {
  let table: TestTable;
  let repos: Repositories;
  let faults: Faults;
  let handler: Handler;
  let t: SeededTenant;
  const logged: { message: string; fields?: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    table = await createTestTable('faults-api');
    repos = cleanRepos(table);
    t = await seedTenant(repos, 'kominfo', { mentionsPerIssue: 6 });
    const faulty = faultyRepos(table);
    faults = faulty.faults;
    const log: Log = {
      debug() {},
      info() {},
      warn() {},
      error: (message, fields) => logged.push({ message, fields }),
    };
    handler = buildApiHandler({
      repos: faulty.repos,
      log,
      authenticator: createLocalTokenAuthenticator(faulty.repos.tenants),
    });
  });

  afterAll(async () => {
    await table.drop();
  });

  beforeEach(() => {
    faults.clear();
    logged.length = 0;
  });

  /** A 5xx that says nothing about the engine, the table or the code. */
  function expectOpaqueServerError(res: APIGatewayProxyResult, requestId: string) {
    expect(res.statusCode).toBe(500);
    expect(res.headers?.['content-type']).toMatch(/^application\/json/);
    expect(res.headers?.['x-request-id']).toBe(requestId);
    expect(JSON.parse(res.body)).toEqual({
      error: {
        code: 'internal',
        message: `Internal error; quote request id ${requestId} when reporting it`,
        details: { requestId },
      },
    });
    for (const secret of [
      table.tableName,
      'Exception',
      'InternalServerError',
      'throughput',
      'timed out',
      'stack',
      '.ts',
      'node_modules',
    ]) {
      expect(res.body).not.toContain(secret);
    }
  }

  it('answers 503 with Retry-After when storage throttles, without internals', async () => {
    // Prepare: throttling that outlasted the SDK's own retries.
    faults.fail('QueryCommand', { error: awsErrors.throughputExceeded });
    const req = event('GET', `/v1/issues/${t.issueIds[0]}/mentions`, t.tokens.read);

    // Act
    const res = await handler(req);

    // Assess
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('2');
    expect(JSON.parse(res.body).error).toMatchObject({
      code: 'unavailable',
      details: { requestId: req.requestContext.requestId },
    });
    for (const secret of [table.tableName, 'Exception', 'throughput', 'stack', '.ts']) {
      expect(res.body).not.toContain(secret);
    }
    faults.clear();
    expect((await handler(event('GET', req.path, t.tokens.read))).statusCode).toBe(200);
  });

  it('answers an opaque 500 when a read fails, and logs the real error', async () => {
    // Prepare
    faults.fail('QueryCommand', { error: awsErrors.dynamoInternal });
    const req = event('GET', `/v1/issues/${t.issueIds[0]}/mentions`, t.tokens.read);

    // Act
    const res = await handler(req);

    // Assess
    expectOpaqueServerError(res, req.requestContext.requestId);
    // The SDK retried the 500 itself before giving up.
    expect(faults.injected('QueryCommand')).toBeGreaterThanOrEqual(1);
    expect(logged).toHaveLength(1);
    expect(logged[0]?.fields).toMatchObject({
      requestId: req.requestContext.requestId,
      name: awsErrors.dynamoInternal().name,
    });

    // The same request once the table is healthy.
    faults.clear();
    expect((await handler(event('GET', req.path, t.tokens.read))).statusCode).toBe(200);
  });

  it('answers 500, not 401, when the token lookup itself fails', async () => {
    // Prepare
    faults.fail('GetCommand', { error: awsErrors.timeout });
    const req = event('GET', '/v1/issues', t.tokens.read);

    // Act
    const res = await handler(req);

    // Assess
    expectOpaqueServerError(res, req.requestContext.requestId);
  });

  it('writes nothing when creating an issue fails', async () => {
    // Prepare
    const before = await snapshotTenant(repos, t);
    faults.fail('PutCommand', { when: entityIs('issue'), error: awsErrors.dynamoInternal });
    const req = event('POST', '/v1/issues', t.tokens.write, {
      name: 'Harga BBM',
      query: '"harga bbm" OR #bbm',
      sources: ['x'],
    });

    // Act
    const res = await handler(req);

    // Assess
    expectOpaqueServerError(res, req.requestContext.requestId);
    expect(await snapshotTenant(repos, t)).toEqual(before);
  });

  it('undoes a create whose audit entry fails, so the client retry makes exactly one', async () => {
    // Prepare: the issue and subscriber writes succeed, their audit entries do not.
    const before = await snapshotTenant(repos, t);
    faults.fail('PutCommand', { when: entityIs('audit'), error: awsErrors.dynamoInternal });
    const create = event('POST', '/v1/issues', t.tokens.write, {
      name: 'Harga BBM',
      query: '"harga bbm" OR #bbm',
      sources: ['x'],
    });
    const subscribe = event('POST', `/v1/issues/${t.issueIds[1]}/subscribers`, t.tokens.write, {
      channel: 'email',
      address: 'humas@example.go.id',
    });

    // Act
    const created = await handler(create);
    const subscribed = await handler(subscribe);

    // Assess: 500s, and nothing left behind for a retry to duplicate.
    expectOpaqueServerError(created, create.requestContext.requestId);
    expectOpaqueServerError(subscribed, subscribe.requestContext.requestId);
    expect(await snapshotTenant(repos, t)).toEqual(before);

    // The client's retries once the table is healthy: one issue, one subscriber, both audited.
    faults.clear();
    expect(
      (await handler(event('POST', create.path, t.tokens.write, JSON.parse(create.body as string))))
        .statusCode,
    ).toBe(201);
    expect(
      (
        await handler(
          event('POST', subscribe.path, t.tokens.write, JSON.parse(subscribe.body as string)),
        )
      ).statusCode,
    ).toBe(201);
    const issues = await repos.issues.list(t.tenantId);
    expect(issues.filter((i) => i.name === 'Harga BBM')).toHaveLength(1);
    const subs = await repos.subscribers.list(t.issueIds[1] as string);
    expect(subs.filter((x) => x.address === 'humas@example.go.id')).toHaveLength(1);
  });

  it('moves no count and keeps no correction when a sentiment correction fails', async () => {
    // Prepare: the correction is one transaction (label, counts, correction record).
    const before = await snapshotTenant(repos, t);
    const correctionsBefore = await repos.mentions.listCorrections();
    const totals = async () => {
      const res = await handler(event('GET', `/v1/issues/${t.issueIds[0]}/stats`, t.tokens.read));
      return (JSON.parse(res.body) as { totals: Record<string, number> }).totals;
    };
    const totalsBefore = await totals();
    const mentionId = t.mentionIds[0] as string;
    const current = await repos.mentions.get(mentionId);
    const label = current?.sentiment?.label === 'NEGATIVE' ? 'POSITIVE' : 'NEGATIVE';
    faults.fail('TransactWriteCommand', { error: awsErrors.dynamoInternal });
    const req = event('POST', `/v1/mentions/${mentionId}/sentiment`, t.tokens.write, { label });

    // Act
    const res = await handler(req);

    // Assess
    expectOpaqueServerError(res, req.requestContext.requestId);
    expect(await snapshotTenant(repos, t)).toEqual(before);
    expect(await repos.mentions.listCorrections()).toEqual(correctionsBefore);
    expect(await totals()).toEqual(totalsBefore);

    // The same correction once the table is healthy moves exactly one count.
    faults.clear();
    expect((await handler(event('POST', req.path, t.tokens.write, { label }))).statusCode).toBe(
      200,
    );
    const moved = await totals();
    const key = label.toLowerCase();
    expect(moved[key]).toBe((totalsBefore[key] ?? 0) + 1);
    expect(moved.total).toBe(totalsBefore.total);
  });

  it('adds no subscriber when its write fails', async () => {
    // Prepare
    const before = await snapshotTenant(repos, t);
    faults.fail('PutCommand', { when: entityIs('subscriber'), error: awsErrors.timeout });
    const req = event('POST', `/v1/issues/${t.issueIds[1]}/subscribers`, t.tokens.write, {
      channel: 'sms',
      address: '+6281234567890',
    });

    // Act
    const res = await handler(req);

    // Assess
    expectOpaqueServerError(res, req.requestContext.requestId);
    expect(res.body).not.toContain('+6281234567890');
    expect(await snapshotTenant(repos, t)).toEqual(before);
  });
});
