/**
 * Fuzzing: 10,000 generated hostile requests (bad JSON, wrong types, huge and deeply nested
 * bodies, unicode, injection strings, path traversal, forged cursors, bad dates, odd methods and
 * headers) against the API over in-memory repositories. No answer may be a 5xx, none may throw,
 * and every error must be the documented JSON shape.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Api, ApiRequest } from '../../../lib/api/types.ts';
import { createFakeRepositories } from './fakes.ts';
import { buildApi, makeAlert, makeMention, tenantWithTokens } from './fixtures.ts';

const HOSTILE = [
  '',
  ' ',
  '..',
  '../..',
  '%2e%2e%2f',
  '..%2F..%2Fetc%2Fpasswd',
  '%',
  '%zz',
  '%00',
  '\u0000',
  "' OR 1=1 --",
  '"; DROP TABLE pantau; --',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style payload, on purpose.
  '${jndi:ldap://x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'prototype',
  'TENANT#other',
  'ISSUE#x\nM#2026',
  'A'.repeat(5000),
  '🦀'.repeat(100),
  'ع'.repeat(30),
  '\uD800',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '0x10',
  '2026-13-45T99:99:99Z',
  '2026-02-30',
  '9999999-01-01T00:00:00Z',
  'Infinity',
  'true',
];

function hostileString() {
  return fc.oneof(
    fc.constantFrom(...HOSTILE),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.base64String({ maxLength: 200 }),
  );
}

/** Lone surrogates cannot be percent-encoded; such a segment is sent raw instead. */
function safeEncode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s;
  }
}

const deepNest = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

function body() {
  return fc.oneof(
    fc.constant(undefined),
    fc.json({ maxDepth: 4 }),
    fc.constantFrom(
      '{',
      '{"name":',
      '[]',
      'null',
      '0',
      '"str"',
      '{"__proto__":{"admin":true},"name":"x","query":"y"}',
      '{"constructor":{"prototype":{"x":1}}}',
      deepNest(5000),
      `{"name":${deepNest(3000)}}`,
      `{"name":"${'x'.repeat(1024 * 1024)}","query":"y"}`,
      '\uFEFF{"name":"x","query":"y"}',
    ),
    fc
      .record(
        {
          name: fc.oneof(hostileString(), fc.integer(), fc.constant(null), fc.array(fc.string())),
          query: fc.oneof(hostileString(), fc.constantFrom('(beras', 'NOT', '"', 'a AND', '#')),
          sources: fc.oneof(fc.array(hostileString()), hostileString()),
          languages: fc.array(hostileString(), { maxLength: 30 }),
          status: hostileString(),
          detector: fc.dictionary(hostileString(), fc.oneof(fc.double(), fc.string())),
          channel: fc.constantFrom('sms', 'email', 'fax', ''),
          address: hostileString(),
          minLevel: hostileString(),
          label: fc.constantFrom('POSITIVE', 'negative', 'ANGRY', ''),
          note: hostileString(),
          id: hostileString(),
          scopes: fc.array(fc.constantFrom('pantau/read', 'pantau/admin', 'root', '')),
          expiresAt: hostileString(),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
  );
}

describe('API fuzzing (in-memory repositories)', () => {
  let api: Api;
  let ids: { issue: string; mention: string; alert: string };
  let tokens: string[];

  beforeAll(async () => {
    const repos = createFakeRepositories();
    api = buildApi(repos);
    const a = await tenantWithTokens(repos, 'kominfo');
    const b = await tenantWithTokens(repos, 'bapanas');
    const op = await tenantWithTokens(repos, 'platform');
    tokens = [a.read, a.write, a.admin, b.write, op.admin];
    const issue = { id: 'iss_fuzz', tenantId: 'kominfo' };
    await repos.issues.create({
      ...issue,
      name: 'Beras',
      query: 'beras',
      sources: ['x'],
      languages: [],
      status: 'active',
      detector: {},
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    });
    const base = new Date(Date.now() - 1000);
    for (let i = 0; i < 20; i++)
      await repos.mentions.putNew(makeMention('kominfo', issue.id, i, base));
    const alert = makeAlert('kominfo', issue.id, new Date(Date.now() - 3_600_000).toISOString());
    await repos.alerts.create(alert);
    ids = {
      issue: issue.id,
      mention: (repos._mentions.get(issue.id) ?? [])[0]?.id ?? '',
      alert: alert.id,
    };
  });

  it('answers 10,000 hostile requests without a 5xx or a throw', async () => {
    const templates = [
      '/health',
      '/v1/openapi.json',
      '/v1/issues',
      '/v1/issues/{issue}',
      '/v1/issues/{issue}/mentions',
      '/v1/issues/{issue}/stats',
      '/v1/issues/{issue}/alerts',
      '/v1/issues/{issue}/subscribers',
      '/v1/issues/{issue}/subscribers/{x}',
      '/v1/alerts',
      '/v1/alerts/{alert}',
      '/v1/alerts/{alert}/ack',
      '/v1/alerts/{alert}/resolve',
      '/v1/mentions/{mention}/sentiment',
      '/v1/sources/status',
      '/v1/tenants',
      '/v1/tenants/{x}/tokens',
      '/v1/tenants/{x}/tokens/{x}',
      '/v1/audit',
    ];
    const segment = fc.oneof(
      hostileString().map(safeEncode),
      hostileString(),
      fc.constantFrom('kominfo', 'bapanas', 'platform'),
    );
    const path = fc.oneof(
      fc
        .tuple(fc.constantFrom(...templates), segment, segment, fc.boolean())
        .map(([t, s1, s2, useReal]) =>
          t
            .replace('{issue}', useReal ? ids.issue : s1)
            .replace('{alert}', useReal ? ids.alert : s1)
            .replace('{mention}', useReal ? ids.mention : s1)
            .replace('{x}', s1)
            .replace('{x}', s2),
        ),
      hostileString().map((s) => `/${s}`),
      hostileString(),
      fc.constantFrom(
        '',
        '//v1//issues',
        '/v1/issues/',
        '/V1/ISSUES',
        '/v1/./issues',
        '/v1/issues/../tenants',
      ),
    );
    const query = fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          'from',
          'to',
          'limit',
          'cursor',
          'sort',
          'sentiment',
          'source',
          'lang',
          'interval',
          'minEngagement',
          'contains',
          'status',
          'breakdown',
        ),
        hostileString(),
      ),
      fc.oneof(hostileString(), fc.constant(undefined)),
      { maxKeys: 6 },
    );
    const headers = fc.record(
      {
        authorization: fc.oneof(
          fc.constantFrom(...tokens).map((t) => `Bearer ${t}`),
          fc.constantFrom(...tokens).map((t) => `bearer   ${t.slice(0, -1)}X`),
          hostileString(),
          hostileString().map((s) => `Bearer ${s}`),
          fc.constant(`Bearer ${'a'.repeat(10_000)}`),
        ),
        'content-type': fc.oneof(
          fc.constantFrom(
            'application/json',
            'application/json; charset=utf-8',
            'application/problem+json',
            'text/plain',
            'multipart/form-data; boundary=x',
          ),
          hostileString(),
        ),
      },
      { requiredKeys: [] },
    );
    const request = fc.record({
      method: fc.oneof(
        fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS', 'TRACE', 'get'),
        hostileString(),
      ),
      path,
      query,
      headers,
      body: body(),
    });

    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const res = await api(req as ApiRequest);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          const parsed = JSON.parse(res.body);
          expect(typeof parsed.error.code).toBe('string');
          expect(typeof parsed.error.message).toBe('string');
          expect(res.body).not.toMatch(/at .*\.ts:\d+/);
        }
      }),
      { numRuns: 10_000, seed: 20261129 },
    );
    // The generator must reach the routes, not only the 404 path.
    const total = [...statuses.values()].reduce((s, n) => s + n, 0);
    expect(total).toBe(10_000);
    for (const status of [200, 400, 401, 403, 404, 405]) {
      expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
    }
  }, 240_000);
});
