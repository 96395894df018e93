/**
 * The API over node:http on loopback, on real repositories in DynamoDB Local: a full flow with
 * real sockets, the 1 MiB body limit on the wire, the static fallback, the Lambda handler's
 * API Gateway mapping, and 1,000 hostile requests against the real storage.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiHandler } from '../../../functions/api/handler.ts';
import { createApi } from '../../../lib/api/app.ts';
import { createLocalTokenAuthenticator } from '../../../lib/api/auth.ts';
import { createNodeListener } from '../../../lib/api/node-http.ts';
import type { Api } from '../../../lib/api/types.ts';
import type { Repositories } from '../../../lib/domain/ports.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';
import { type SeededTenant, seedTenant } from './seed.ts';

describe('API on DynamoDB Local over HTTP', () => {
  let table: TestTable;
  let repos: Repositories;
  let api: Api;
  let server: Server;
  let base: string;
  let t: SeededTenant;

  beforeAll(async () => {
    table = await createTestTable('api-flow');
    repos = createRepositories({ doc: table.doc, tableName: table.tableName });
    api = createApi({ repos, authenticator: createLocalTokenAuthenticator(repos.tenants) });
    t = await seedTenant(repos, 'kominfo', { mentionsPerIssue: 30 });
    server = createServer(
      createNodeListener(api, {
        fallback: (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<h1>dashboard</h1>');
        },
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await table?.drop();
  });

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  it('creates an issue, reads its mentions page by page and its stats, and audits the write', async () => {
    const created = await fetch(`${base}/v1/issues`, {
      method: 'POST',
      headers: { ...auth(t.tokens.write), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Harga BBM', query: '"harga bbm" OR #bbm', sources: ['x'] }),
    });
    expect(created.status).toBe(201);
    const issue = (await created.json()) as { id: string };
    expect(created.headers.get('location')).toBe(`/v1/issues/${issue.id}`);

    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const url = new URL(`${base}/v1/issues/${t.issueIds[0]}/mentions`);
      url.searchParams.set('limit', '7');
      if (cursor) url.searchParams.set('cursor', cursor);
      const res = await fetch(url, { headers: auth(t.tokens.read) });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: { id: string }[]; nextCursor?: string };
      ids.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);

    const stats = await fetch(
      `${base}/v1/issues/${t.issueIds[0]}/stats?interval=1d&breakdown=true`,
      {
        headers: auth(t.tokens.read),
      },
    );
    const body = (await stats.json()) as {
      totals: { total: number };
      breakdown: { sampled: number };
    };
    expect(body.totals.total).toBe(30);
    expect(body.breakdown.sampled).toBe(30);

    const audit = await fetch(`${base}/v1/audit`, { headers: auth(t.tokens.admin) });
    const entries = (await audit.json()) as { items: { action: string; target: string }[] };
    expect(entries.items[0]).toMatchObject({ action: 'issue.create', target: `issue/${issue.id}` });
  });

  it('moves counts when an official corrects a sentiment', async () => {
    const mentionId = t.mentionIds[0] as string;
    const before = await repos.mentions.get(mentionId);
    const next = before?.sentiment?.label === 'POSITIVE' ? 'NEGATIVE' : 'POSITIVE';
    const res = await fetch(`${base}/v1/mentions/${mentionId}/sentiment`, {
      method: 'POST',
      headers: { ...auth(t.tokens.write), 'content-type': 'application/json' },
      body: JSON.stringify({ label: next }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: mentionId,
      label: next,
      previous: before?.sentiment?.label,
      origin: 'manual',
    });
    expect((await repos.mentions.get(mentionId))?.sentiment?.label).toBe(next);
    const corrections = await repos.mentions.listCorrections();
    expect(corrections.some((c) => c.label === next && c.by.startsWith('token:'))).toBe(true);
  });

  it('refuses a body over 1 MiB on the wire with 413', async () => {
    const res = await fetch(`${base}/v1/issues`, {
      method: 'POST',
      headers: { ...auth(t.tokens.write), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', query: 'q'.repeat(1024 * 1024 + 10) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'payload_too_large',
    );
  });

  it('hands non-API paths to the fallback and keeps API paths', async () => {
    const page = await fetch(`${base}/dashboard/index.html`);
    expect(await page.text()).toBe('<h1>dashboard</h1>');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/v1/nothing`)).status).toBe(404);
  });

  it('serves the same API through the Lambda handler and API Gateway events', async () => {
    const handler = buildApiHandler({
      repos,
      authenticator: createLocalTokenAuthenticator(repos.tenants),
    });
    const event = {
      httpMethod: 'POST',
      path: `/v1/issues/${t.issueIds[1]}/subscribers`,
      headers: { Authorization: `Bearer ${t.tokens.write}`, 'Content-Type': 'application/json' },
      queryStringParameters: null,
      body: Buffer.from(JSON.stringify({ channel: 'sms', address: '+6281234567890' })).toString(
        'base64',
      ),
      isBase64Encoded: true,
      requestContext: { requestId: 'apigw-req-1', identity: { sourceIp: '10.0.0.1' } },
    } as unknown as APIGatewayProxyEvent;
    const res = await handler(event);
    expect(res.statusCode).toBe(201);
    expect(res.headers?.['x-request-id']).toBe('apigw-req-1');
    expect(JSON.parse(res.body)).toMatchObject({ channel: 'sms', address: '+6281234567890' });
  });

  it('answers 1,000 hostile requests on the real repositories without a 5xx', async () => {
    const hostile = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '..',
        '%00',
        "' OR 1=1",
        'ISSUE#x',
        'A'.repeat(2000),
        '🦀',
        '2026-99-99',
        '-5',
        'e30',
      ),
    );
    const paths = fc.oneof(
      fc.constantFrom(...t.issueIds).map((id) => `/v1/issues/${id}/mentions`),
      hostile.map((s) => `/v1/issues/${encodeURIComponent(s)}`),
      hostile.map((s) => `/v1/mentions/${encodeURIComponent(s)}/sentiment`),
      hostile.map((s) => `/v1/alerts/${encodeURIComponent(s)}`),
      fc.constantFrom(...t.issueIds).map((id) => `/v1/issues/${id}/stats`),
    );
    const query = fc.dictionary(
      fc.constantFrom(
        'from',
        'to',
        'limit',
        'cursor',
        'sort',
        'sentiment',
        'interval',
        'minEngagement',
        'contains',
      ),
      hostile,
      { maxKeys: 4 },
    );
    const token = fc.constantFrom(t.tokens.read, t.tokens.write);
    let errors5xx = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST'),
        paths,
        query,
        token,
        fc.oneof(fc.constant(undefined), fc.json({ maxDepth: 3 }), hostile),
        async (method, path, q, tok, body) => {
          const res = await api({
            method,
            path,
            query: q,
            headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
            body,
          });
          if (res.status >= 500) errors5xx++;
          expect(res.status, `${method} ${path} ${JSON.stringify(q)} → ${res.body}`).toBeLessThan(
            500,
          );
        },
      ),
      { numRuns: 1_000, seed: 7 },
    );
    expect(errors5xx).toBe(0);
  }, 120_000);
});
