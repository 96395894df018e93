/**
 * Contract: every route's real responses, success and error, validate against the committed
 * OpenAPI document (docs/openapi.json), which must also be exactly what the code generates.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_ROUTES } from '../../../lib/api/app.ts';
import { buildOpenApiDocument } from '../../../lib/api/openapi.ts';
import type { Api } from '../../../lib/api/types.ts';
import { createFakeRepositories } from './fakes.ts';
import { buildApi, makeAlert, makeMention, tenantWithTokens } from './fixtures.ts';

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is walked by path.
type Json = Record<string, any>;

const committed = JSON.parse(
  readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'),
) as Json;

function resolveRefs(node: unknown, doc: Json): unknown {
  if (Array.isArray(node)) return node.map((n) => resolveRefs(n, doc));
  if (!node || typeof node !== 'object') return node;
  const ref = (node as Json).$ref;
  if (typeof ref === 'string') {
    const target = ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((acc: Json, k) => acc[k], doc);
    return resolveRefs(target, doc);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolveRefs(v, doc)]));
}

function templateOf(path: string): { template: string; method?: undefined } | undefined {
  const segs = path.split('?')[0]?.split('/') ?? [];
  for (const template of Object.keys(committed.paths)) {
    const t = template.split('/');
    if (t.length !== segs.length) continue;
    if (t.every((p, i) => p.startsWith('{') || p === segs[i])) return { template };
  }
  return undefined;
}

const checked = new Set<string>();

function assertConforms(method: string, path: string, status: number, body: string) {
  const found = templateOf(path);
  expect(found, `no OpenAPI path for ${path}`).toBeDefined();
  const op = committed.paths[found?.template ?? '']?.[method.toLowerCase()];
  if (!op && status === 405) {
    // An undocumented method has no operation to look up: its answer is the shared error shape.
    const error = z.fromJSONSchema(committed.components.schemas.Error);
    expect(error.safeParse(JSON.parse(body)).success).toBe(true);
    checked.add(`${method} ${found?.template} ${status}`);
    return;
  }
  expect(op, `${method} ${found?.template} not documented`).toBeDefined();
  const response = op.responses[String(status)];
  expect(response, `${method} ${found?.template} → ${status} not documented`).toBeDefined();
  const schema = response.content?.['application/json']?.schema;
  if (!schema) {
    expect(body.slice(0, 80), `${method} ${found?.template} → ${status} documents no body`).toBe(
      '',
    );
    checked.add(`${method} ${found?.template} ${status}`);
    return;
  }
  const validator = z.fromJSONSchema(resolveRefs(schema, committed) as never);
  const result = validator.safeParse(JSON.parse(body));
  expect(
    result.success,
    `${method} ${found?.template} → ${status}: ${result.success ? '' : JSON.stringify(result.error.issues.slice(0, 3))}`,
  ).toBe(true);
  checked.add(`${method} ${found?.template} ${status}`);
}

describe('OpenAPI contract', () => {
  let api: Api;
  let tokens: Awaited<ReturnType<typeof tenantWithTokens>>;
  let op: Awaited<ReturnType<typeof tenantWithTokens>>;
  let alertId: string;
  let mentionId: string;
  const now = new Date('2026-11-29T09:00:00.000Z');

  async function call(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    query: Record<string, string> = {},
  ) {
    const res = await api({
      method,
      path,
      query,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assertConforms(method, path, res.status, res.body);
    return res.body ? JSON.parse(res.body) : undefined;
  }

  beforeAll(async () => {
    const repos = createFakeRepositories();
    const arn = 'arn:aws:sns:ap-southeast-3:111122223333:pantau-alerts:1f2e';
    api = buildApi(repos, {
      now: () => now,
      // As in AWS, where subscribers are SNS subscriptions (confirm exists only there).
      subscriptions: {
        subscribe: async () => arn,
        unsubscribe: async () => undefined,
        confirm: async () => arn,
      },
    });
    tokens = await tenantWithTokens(repos, 'kominfo', now);
    op = await tenantWithTokens(repos, 'platform', now);
    await repos.sourceStatus.put({
      source: 'x',
      status: 'rate-limited',
      lastRunAt: now.toISOString(),
      until: now.toISOString(),
      postsSeen: 5,
      mentionsWritten: 3,
    });
    const issue = await call('POST', '/v1/issues', tokens.write, { name: 'Beras', query: 'beras' });
    const base = new Date(now.getTime() - 1000);
    for (let i = 0; i < 30; i++)
      await repos.mentions.putNew(makeMention('kominfo', issue.id, i, base));
    mentionId = (repos._mentions.get(issue.id) ?? [])[0]?.id ?? '';
    const alert = makeAlert('kominfo', issue.id, '2026-11-29T08:00:00.000Z');
    await repos.alerts.create(alert);
    alertId = alert.id;
    repos._buckets.push({
      tenantId: 'kominfo',
      issueId: issue.id,
      width: '1h',
      start: '2026-11-29T07:00:00.000Z',
      total: 3,
      positive: 1,
      negative: 1,
      neutral: 1,
      mixed: 0,
      engagement: 9,
    });

    const i = `/v1/issues/${issue.id}`;
    await call('GET', '/health');
    await call('GET', '/v1/openapi.json');
    await call('GET', '/v1/issues', tokens.read);
    await call('GET', i, tokens.read);
    await call('PATCH', i, tokens.write, { name: 'Beras medium' });
    await call('GET', `${i}/mentions`, tokens.read, undefined, { limit: '5' });
    await call('GET', `${i}/mentions`, tokens.read, undefined, { sort: 'engagement', limit: '5' });
    await call('GET', `${i}/stats`, tokens.read, undefined, { breakdown: 'true' });
    await call('GET', `${i}/alerts`, tokens.read);
    await call('GET', '/v1/alerts', tokens.read, undefined, { status: 'open' });
    await call('GET', `/v1/alerts/${alertId}`, tokens.read);
    await call('POST', `/v1/alerts/${alertId}/ack`, tokens.write, { note: 'ok' });
    await call('POST', `/v1/alerts/${alertId}/ack`, tokens.write, {});
    await call('POST', `/v1/alerts/${alertId}/resolve`, tokens.write);
    const sub = await call('POST', `${i}/subscribers`, tokens.write, {
      channel: 'email',
      address: 'humas@kominfo.go.id',
    });
    await call('POST', `${i}/subscribers/${sub.id}/confirm`, tokens.write, {
      confirmation: 'c'.repeat(64),
    });
    await call('GET', `${i}/subscribers`, tokens.read);
    await call('DELETE', `${i}/subscribers/${sub.id}`, tokens.write);
    await call('POST', `/v1/mentions/${mentionId}/sentiment`, tokens.write, { label: 'NEGATIVE' });
    await call('GET', `${i}/review`, tokens.read, undefined, { mode: 'uncertain', limit: '5' });
    await call('GET', `${i}/sentiment-quality`, tokens.read);
    await call('GET', '/v1/sources/status', tokens.read);
    await call('GET', '/v1/me', tokens.read);
    await call('POST', '/v1/tenants', op.admin, { id: 'bmkg', name: 'BMKG' });
    await call('GET', '/v1/tenants', op.admin);
    const tok = await call('POST', '/v1/tenants/bmkg/tokens', op.admin, {
      scopes: ['pantau/read'],
    });
    await call('GET', '/v1/tenants/bmkg/tokens', op.admin);
    await call('DELETE', `/v1/tenants/bmkg/tokens/${tok.id}`, op.admin);
    await call('GET', '/v1/audit', tokens.admin);
    // Error responses.
    await call('GET', '/v1/issues');
    await call('GET', '/v1/audit', tokens.read);
    await call('GET', '/v1/issues/nope', tokens.read);
    await call('POST', '/v1/issues', tokens.write, { name: 1 });
    await call('PUT', '/v1/issues', tokens.write);
    await call('DELETE', i, tokens.write);
  });

  it('commits exactly the generated document', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument(API_ROUTES))));
  });

  it('documents every route, and every route was exercised with a conforming success', () => {
    const successes = [...checked]
      .filter((c) => /\s2\d\d$/.test(c))
      .map((c) => c.replace(/\s\d+$/, ''));
    for (const route of API_ROUTES) {
      expect(successes, `${route.method} ${route.path}`).toContain(`${route.method} ${route.path}`);
    }
    for (const status of [400, 401, 403, 404, 405, 409]) {
      expect(
        [...checked].some((c) => c.endsWith(` ${status}`)),
        `status ${status}`,
      ).toBe(true);
    }
  });
});
