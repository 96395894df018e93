import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeRepositories } from './fakes.ts';
import { buildApi, client, makeAlert, makeMention, tenantWithTokens } from './fixtures.ts';

const NOW = new Date('2026-11-29T09:00:00.000Z');
// Mentions start one second before NOW: a range's end is exclusive.
const BASE = new Date(NOW.getTime() - 1000);

async function setup() {
  const repos = createFakeRepositories();
  const api = buildApi(repos, { now: () => NOW });
  const call = client(api);
  const a = await tenantWithTokens(repos, 'kominfo', NOW);
  const b = await tenantWithTokens(repos, 'bapanas', NOW);
  return { repos, api, call, a, b };
}

type Setup = Awaited<ReturnType<typeof setup>>;

async function createIssue(t: Setup, token: string, body: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/issues', {
    token,
    body: { name: 'Harga beras', query: '"harga beras" OR #beras', ...body },
  });
  expect(res.status).toBe(201);
  return res.json as { id: string; tenantId: string };
}

describe('API: issues', () => {
  let t: Setup;
  beforeEach(async () => {
    t = await setup();
  });

  it('creates an issue for the token tenant and lists, gets, patches and deletes it', async () => {
    const issue = await createIssue(t, t.a.write, { sources: ['x', 'rss'], languages: ['id'] });
    expect(issue.tenantId).toBe('kominfo');

    const list = await t.call('GET', '/v1/issues', { token: t.a.read });
    expect(list.status).toBe(200);
    expect(list.json.items.map((i: { id: string }) => i.id)).toEqual([issue.id]);

    const patched = await t.call('PATCH', `/v1/issues/${issue.id}`, {
      token: t.a.write,
      body: { status: 'paused', detector: { minNegative: 20 } },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ status: 'paused', detector: { minNegative: 20 } });

    const got = await t.call('GET', `/v1/issues/${issue.id}`, { token: t.a.read });
    expect(got.json.status).toBe('paused');

    const del = await t.call('DELETE', `/v1/issues/${issue.id}`, { token: t.a.write });
    expect(del.status).toBe(204);
    expect(del.raw.body).toBe('');
    expect((await t.call('GET', `/v1/issues/${issue.id}`, { token: t.a.read })).status).toBe(404);
    expect(t.repos._audit.map((e) => e.action)).toEqual([
      'issue.create',
      'issue.update',
      'issue.delete',
    ]);
  });

  it('takes the tenant from the token, never from the body', async () => {
    const res = await t.call('POST', '/v1/issues', {
      token: t.a.write,
      body: { name: 'x', query: 'beras', tenantId: 'bapanas' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details[0]).toEqual({
      field: 'body.tenantId',
      message: 'unknown field: tenantId',
    });
    expect(await t.repos.issues.list('bapanas')).toEqual([]);
  });

  it('answers 404 for another tenant issue on every verb, and leaves it unchanged', async () => {
    const issue = await createIssue(t, t.b.write);
    for (const [method, path, body] of [
      ['GET', `/v1/issues/${issue.id}`, undefined],
      ['PATCH', `/v1/issues/${issue.id}`, { name: 'hijacked' }],
      ['DELETE', `/v1/issues/${issue.id}`, undefined],
      ['GET', `/v1/issues/${issue.id}/mentions`, undefined],
      ['GET', `/v1/issues/${issue.id}/stats`, undefined],
      ['GET', `/v1/issues/${issue.id}/alerts`, undefined],
      ['GET', `/v1/issues/${issue.id}/subscribers`, undefined],
      ['POST', `/v1/issues/${issue.id}/subscribers`, { channel: 'email', address: 'a@b.id' }],
    ] as const) {
      const res = await t.call(method, path, { token: t.a.admin, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.json.error.code).toBe('not_found');
    }
    expect((await t.repos.issues.get('bapanas', issue.id))?.name).toBe('Harga beras');
  });

  it('rejects an invalid query with the parser position', async () => {
    const res = await t.call('POST', '/v1/issues', {
      token: t.a.write,
      body: { name: 'x', query: '("harga beras" OR' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_request');
    expect(res.json.error.message).toMatch(/^Invalid body\.query: Invalid query at position 17/);
    // The same shape as every other 400: a list of field errors, with the parser's position.
    expect(res.json.error.details).toEqual([
      {
        field: 'body.query',
        message: expect.stringContaining('("harga beras" OR\n'),
        position: 17,
        expected: expect.any(String),
        found: 'end of query',
        query: '("harga beras" OR',
      },
    ]);
  });

  it('answers a query X cannot take as a field error too, on create and on update', async () => {
    const issue = await createIssue(t, t.a.write);
    const long = Array.from({ length: 80 }, (_, i) => `kata${i}`).join(' OR ');
    const created = await t.call('POST', '/v1/issues', {
      token: t.a.write,
      body: { name: 'x', query: long, sources: ['x'] },
    });
    expect(created.status).toBe(400);
    expect(created.json.error.message).toMatch(
      /^Invalid body\.query: Query compiles to \d+ characters for X/,
    );
    expect(created.json.error.details[0]).toMatchObject({ field: 'body.query', position: 0 });
    const updated = await t.call('PATCH', `/v1/issues/${issue.id}`, {
      token: t.a.write,
      body: { query: '(beras' },
    });
    expect(updated.status).toBe(400);
    expect(updated.json.error.details[0]).toMatchObject({ field: 'body.query', position: 6 });
  });

  it('names each invalid field', async () => {
    const res = await t.call('POST', '/v1/issues', {
      token: t.a.write,
      body: { name: '', query: 'beras', sources: ['x', 'friendster'], detector: { alpha: 3 } },
    });
    expect(res.status).toBe(400);
    const fields = res.json.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['body.name', 'body.sources.1', 'body.detector.alpha']),
    );
  });

  it('needs at least one field in a PATCH', async () => {
    const issue = await createIssue(t, t.a.write);
    const res = await t.call('PATCH', `/v1/issues/${issue.id}`, { token: t.a.write, body: {} });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/at least one field/);
  });
});

describe('API: auth, scopes and protocol errors', () => {
  let t: Setup;
  beforeEach(async () => {
    t = await setup();
  });

  it('serves /health and the OpenAPI document without a token', async () => {
    expect((await t.call('GET', '/health')).json).toEqual({ status: 'ok' });
    const doc = await t.call('GET', '/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toBe('3.1.0');
  });

  it('tells a token its tenant and effective scopes (GET /v1/me)', async () => {
    const scopesOf = async (token: string) => {
      const res = await t.call('GET', '/v1/me', { token });
      expect(res.status).toBe(200);
      expect(res.json.tenantId).toBe('kominfo');
      expect(res.json.clientId).toMatch(/^token:/);
      return res.json.scopes;
    };
    expect(await scopesOf(t.a.read)).toEqual(['pantau/read']);
    expect(await scopesOf(t.a.write)).toEqual(['pantau/read', 'pantau/write']);
    expect(await scopesOf(t.a.admin)).toEqual(['pantau/read', 'pantau/write', 'pantau/admin']);
    expect((await t.call('GET', '/v1/me')).status).toBe(401);
    // Another tenant's token sees its own tenant.
    expect((await t.call('GET', '/v1/me', { token: t.b.read })).json.tenantId).toBe('bapanas');
  });

  it('answers 401 without, with a malformed and with an unknown token', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: `Bearer pt_${'A'.repeat(43)}` },
      { authorization: 'Bearer' },
    ];
    for (const headers of attempts) {
      const res = await t.call('GET', '/v1/issues', { headers });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });

  it('answers 403 when the scope is missing; write implies read, admin implies both', async () => {
    const write = await t.call('POST', '/v1/issues', {
      token: t.a.read,
      body: { name: 'x', query: 'beras' },
    });
    expect(write.status).toBe(403);
    expect((await t.call('GET', '/v1/issues', { token: t.a.write })).status).toBe(200);
    expect((await t.call('GET', '/v1/audit', { token: t.a.write })).status).toBe(403);
    expect((await t.call('GET', '/v1/audit', { token: t.a.admin })).status).toBe(200);
  });

  it('stops accepting a revoked token at once', async () => {
    const created = await t.call('POST', '/v1/tenants/kominfo/tokens', {
      token: t.a.admin,
      body: { scopes: ['pantau/read'], name: 'dashboard' },
    });
    expect(created.status).toBe(201);
    expect(created.json.token).toMatch(/^pt_/);
    expect((await t.call('GET', '/v1/issues', { token: created.json.token })).status).toBe(200);
    const revoked = await t.call('DELETE', `/v1/tenants/kominfo/tokens/${created.json.id}`, {
      token: t.a.admin,
    });
    expect(revoked.status).toBe(204);
    expect((await t.call('GET', '/v1/issues', { token: created.json.token })).status).toBe(401);
  });

  it('answers 404 for unknown paths and 405 with Allow for unknown methods', async () => {
    expect((await t.call('GET', '/v2/issues', { token: t.a.read })).status).toBe(404);
    const res = await t.call('PUT', '/v1/issues', { token: t.a.write });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, POST');
  });

  it('answers 415 for a non-JSON body and 400 for broken JSON', async () => {
    const form = await t.call('POST', '/v1/issues', {
      token: t.a.write,
      rawBody: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    const broken = await t.call('POST', '/v1/issues', {
      token: t.a.write,
      rawBody: '{"name": "x",',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(broken.json.error.details[0].field).toBe('body');
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const res = await t.call('POST', '/v1/issues', {
      token: t.a.write,
      body: { name: 'x', query: 'a'.repeat(1024 * 1024) },
    });
    expect(res.status).toBe(413);
  });

  it('turns an unexpected failure into a generic 500 naming the request id', async () => {
    const repos = createFakeRepositories();
    const tokens = await tenantWithTokens(repos, 'kominfo', NOW);
    repos.issues.list = async () => {
      throw new Error('socket hang up at 10.0.0.1 secret=xyz');
    };
    const errors: string[] = [];
    const api = buildApi(repos, {
      log: { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) },
    });
    const res = await api({
      method: 'GET',
      path: '/v1/issues',
      query: {},
      headers: { authorization: `Bearer ${tokens.read}` },
      body: undefined,
      requestId: 'req-123',
    });
    expect(res.status).toBe(500);
    expect(res.body).not.toMatch(/socket|secret|at /);
    expect(JSON.parse(res.body).error.details.requestId).toBe('req-123');
    expect(errors).toEqual(['Unhandled API error']);
  });
});

describe('API: mentions', () => {
  let t: Setup;
  let issueId: string;
  beforeEach(async () => {
    t = await setup();
    issueId = (await createIssue(t, t.a.write)).id;
    for (let i = 0; i < 120; i++)
      await t.repos.mentions.putNew(makeMention('kominfo', issueId, i, BASE));
  });

  async function allPages(query: Record<string, string>) {
    const seen: { id: string; createdAt: string; text: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await t.call('GET', `/v1/issues/${issueId}/mentions`, {
        token: t.a.read,
        query: { ...query, ...(cursor ? { cursor } : {}) },
      });
      expect(res.status).toBe(200);
      seen.push(...res.json.items);
      cursor = res.json.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    return { seen, pages };
  }

  it('pages newest first through every mention exactly once', async () => {
    const { seen, pages } = await allPages({ limit: '25' });
    expect(pages).toBe(5);
    expect(seen).toHaveLength(120);
    expect(new Set(seen.map((m) => m.id)).size).toBe(120);
    const times = seen.map((m) => m.createdAt);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('keeps full pages and loses nothing with post-filters', async () => {
    const { seen } = await allPages({ limit: '7', contains: 'HARGA0', minEngagement: '10' });
    const expected = (t.repos._mentions.get(issueId) ?? []).filter((m) => {
      const e =
        (m.engagement.likes ?? 0) + (m.engagement.reposts ?? 0) + (m.engagement.replies ?? 0);
      return m.text.includes('#harga0') && e >= 10;
    });
    expect(expected.length).toBeGreaterThan(10);
    expect(seen.map((m) => m.id).sort()).toEqual(expected.map((m) => m.id).sort());
  });

  it('filters by sentiment, source and range, oldest first', async () => {
    const from = new Date(NOW.getTime() - 60 * 60_000).toISOString();
    const { seen } = await allPages({ sentiment: 'NEGATIVE', source: 'x', from, sort: 'oldest' });
    expect(seen.length).toBeGreaterThan(0);
    for (const m of seen as unknown as {
      sentiment: { label: string };
      source: string;
      createdAt: string;
    }[]) {
      expect(m.sentiment.label).toBe('NEGATIVE');
      expect(m.source).toBe('x');
      expect(m.createdAt >= from).toBe(true);
    }
    const times = seen.map((m) => m.createdAt);
    expect(times).toEqual([...times].sort());
  });

  it('sorts by engagement across pages', async () => {
    const { seen } = await allPages({ sort: 'engagement', limit: '50' });
    expect(seen).toHaveLength(120);
    const eng = (seen as unknown as { engagement: Record<string, number> }[]).map(
      (m) => (m.engagement.likes ?? 0) + (m.engagement.reposts ?? 0) + (m.engagement.replies ?? 0),
    );
    expect(eng).toEqual([...eng].sort((x, y) => y - x));
  });

  it('rejects tampered cursors and bad parameters with 400s that name the field', async () => {
    const first = await t.call('GET', `/v1/issues/${issueId}/mentions`, {
      token: t.a.read,
      query: { limit: '5' },
    });
    const cursor: string = first.json.nextCursor;
    const inner = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    for (const bad of [
      Buffer.from(JSON.stringify({ ...inner, c: `${inner.c}x` })).toString('base64url'),
      Buffer.from(JSON.stringify({ ...inner, k: -1 })).toString('base64url'),
      Buffer.from(JSON.stringify({ s: 'e', o: 5 })).toString('base64url'),
      'not-a-cursor',
    ]) {
      const res = await t.call('GET', `/v1/issues/${issueId}/mentions`, {
        token: t.a.read,
        query: { cursor: bad },
      });
      expect(res.status, bad).toBe(400);
    }
    for (const [name, value] of [
      ['limit', '0'],
      ['limit', '5000'],
      ['from', 'yesterday'],
      ['sentiment', 'ANGRY'],
      ['sort', 'random'],
      ['bogus', '1'],
    ]) {
      const res = await t.call('GET', `/v1/issues/${issueId}/mentions`, {
        token: t.a.read,
        query: { [name as string]: value as string },
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.json.error.details)).toContain(`query.${name}`);
    }
  });

  it('stores a sentiment correction by the calling client, only for own mentions', async () => {
    const m = (t.repos._mentions.get(issueId) ?? [])[0];
    const path = `/v1/mentions/${m?.id}/sentiment`;
    const other = await t.call('POST', path, { token: t.b.write, body: { label: 'POSITIVE' } });
    expect(other.status).toBe(404);
    const res = await t.call('POST', path, { token: t.a.write, body: { label: 'POSITIVE' } });
    expect(res.status).toBe(200);
    expect(res.json.label).toBe('POSITIVE');
    const corrections = await t.repos.mentions.listCorrections();
    expect(corrections).toHaveLength(1);
    expect(corrections[0]?.by).toMatch(/^token:tok_/);
  });
});

describe('API: stats', () => {
  it('zero-fills the series and sums the totals', async () => {
    const t = await setup();
    const issue = await createIssue(t, t.a.write);
    const at = (h: number) =>
      new Date(Date.parse('2026-11-29T00:00:00.000Z') + h * 3_600_000).toISOString();
    t.repos._buckets.push(
      {
        tenantId: 'kominfo',
        issueId: issue.id,
        width: '1h',
        start: at(2),
        total: 10,
        positive: 2,
        negative: 5,
        neutral: 3,
        mixed: 0,
        engagement: 40,
      },
      {
        tenantId: 'kominfo',
        issueId: issue.id,
        width: '1h',
        start: at(5),
        total: 4,
        positive: 0,
        negative: 4,
        neutral: 0,
        mixed: 0,
        engagement: 1,
      },
    );
    const res = await t.call('GET', `/v1/issues/${issue.id}/stats`, {
      token: t.a.read,
      query: { interval: '1h', from: at(0), to: at(8) },
    });
    expect(res.status).toBe(200);
    expect(res.json.series).toHaveLength(8);
    expect(res.json.series[2]).toMatchObject({ start: at(2), total: 10, negative: 5 });
    expect(res.json.series[3]).toMatchObject({ total: 0 });
    expect(res.json.totals).toEqual({
      total: 14,
      positive: 2,
      negative: 9,
      neutral: 3,
      mixed: 0,
      engagement: 41,
    });
  });

  it('refuses a range with too many windows', async () => {
    const t = await setup();
    const issue = await createIssue(t, t.a.write);
    const res = await t.call('GET', `/v1/issues/${issue.id}/stats`, {
      token: t.a.read,
      query: { interval: '5m', from: '2026-01-01T00:00:00Z', to: '2026-11-01T00:00:00Z' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details[0].field).toBe('query.from');
  });

  it('adds share of voice, top authors and hashtags on request', async () => {
    const t = await setup();
    const issue = await createIssue(t, t.a.write);
    for (let i = 0; i < 30; i++)
      await t.repos.mentions.putNew(makeMention('kominfo', issue.id, i, BASE));
    const res = await t.call('GET', `/v1/issues/${issue.id}/stats`, {
      token: t.a.read,
      query: { interval: '1h', breakdown: 'true' },
    });
    expect(res.json.breakdown.sampled).toBe(30);
    expect(res.json.breakdown.complete).toBe(true);
    expect(
      res.json.breakdown.bySource.reduce((s: number, x: { count: number }) => s + x.count, 0),
    ).toBe(30);
    expect(res.json.breakdown.topHashtags[0]).toEqual({ hashtag: '#beras', count: 30 });
  });
});

describe('API: alerts and subscribers', () => {
  it('moves an alert open → acknowledged → resolved and refuses going back', async () => {
    const t = await setup();
    const issue = await createIssue(t, t.a.write);
    const alert = makeAlert('kominfo', issue.id, '2026-11-29T08:00:00.000Z');
    await t.repos.alerts.create(alert);
    const path = `/v1/alerts/${alert.id}`;
    expect((await t.call('GET', path, { token: t.b.read })).status).toBe(404);
    expect((await t.call('POST', `${path}/ack`, { token: t.b.write })).status).toBe(404);
    const ack = await t.call('POST', `${path}/ack`, {
      token: t.a.write,
      body: { note: 'Sedang ditangani' },
    });
    expect(ack.status).toBe(200);
    expect(ack.json).toMatchObject({ status: 'acknowledged', note: 'Sedang ditangani' });
    expect((await t.call('POST', `${path}/ack`, { token: t.a.write })).status).toBe(409);
    const resolved = await t.call('POST', `${path}/resolve`, { token: t.a.write });
    expect(resolved.json.status).toBe('resolved');
    const open = await t.call('GET', '/v1/alerts', { token: t.a.read, query: { status: 'open' } });
    expect(open.json.items).toEqual([]);
    const all = await t.call('GET', `/v1/issues/${issue.id}/alerts`, { token: t.a.read });
    expect(all.json.items).toHaveLength(1);
    expect((await t.call('GET', '/v1/alerts', { token: t.b.read })).json.items).toEqual([]);
  });

  it('validates subscriber addresses and subscribes through the port', async () => {
    const t = await setup();
    const subscribed: string[] = [];
    const api = buildApi(t.repos, {
      now: () => NOW,
      subscriptions: {
        subscribe: async (s) => void subscribed.push(s.id),
        unsubscribe: async (s) => void subscribed.splice(subscribed.indexOf(s.id), 1),
        confirm: async () => {
          throw new Error('not called for SMS');
        },
      },
    });
    const call = client(api);
    const issue = await createIssue(t, t.a.write);
    const path = `/v1/issues/${issue.id}/subscribers`;
    for (const body of [
      { channel: 'sms', address: '081234567890' },
      { channel: 'sms', address: '+62 812' },
      { channel: 'email', address: 'not-an-email' },
      { channel: 'fax', address: '+6281234567890' },
    ]) {
      const res = await call('POST', path, { token: t.a.write, body });
      expect(res.status).toBe(400);
      expect(res.json.error.details[0].field).toMatch(/^body\.(address|channel)$/);
    }
    const sms = await call('POST', path, {
      token: t.a.write,
      body: { channel: 'sms', address: '+6281234567890', minLevel: 'SIAGA' },
    });
    expect(sms.status).toBe(201);
    expect(sms.json).toMatchObject({ lang: 'id', minLevel: 'SIAGA' });
    expect(subscribed).toEqual([sms.json.id]);
    const audit = t.repos._audit.find((e) => e.action === 'subscriber.add');
    expect(JSON.stringify(audit)).not.toContain('6281234567890');
    expect((await call('DELETE', `${path}/${sms.json.id}`, { token: t.b.write })).status).toBe(404);
    expect((await call('DELETE', `${path}/${sms.json.id}`, { token: t.a.write })).status).toBe(204);
    expect(subscribed).toEqual([]);
    expect((await call('GET', path, { token: t.a.read })).json.items).toEqual([]);
  });

  it('confirms an email subscriber through the port and never shows the ARN', async () => {
    const t = await setup();
    const arn = 'arn:aws:sns:ap-southeast-3:111122223333:pantau-alerts:7d1e';
    const confirmations: string[] = [];
    const api = buildApi(t.repos, {
      now: () => NOW,
      subscriptions: {
        subscribe: async () => arn,
        unsubscribe: async () => undefined,
        confirm: async (_sub, { token }) => {
          confirmations.push(token);
          return token === 'b'.repeat(40) ? `${arn}-other` : arn;
        },
      },
    });
    const call = client(api);
    const issue = await createIssue(t, t.a.write);
    const path = `/v1/issues/${issue.id}/subscribers`;
    const email = await call('POST', path, {
      token: t.a.write,
      body: { channel: 'email', address: 'Humas@Example.go.id' },
    });
    const sms = await call('POST', path, {
      token: t.a.write,
      body: { channel: 'sms', address: '+6281234567890' },
    });
    expect(email.json.confirmation).toBe('pending');
    expect(sms.json.confirmation).toBe('not-needed');
    const confirmPath = `${path}/${email.json.id}/confirm`;
    const body = { confirmation: 'a'.repeat(40) };

    expect((await call('POST', confirmPath, { token: t.b.write, body })).status).toBe(404);
    expect((await call('POST', confirmPath, { token: t.a.read, body })).status).toBe(403);
    for (const bad of [
      {},
      { confirmation: 'https://evil.example.com/?Token=abcdefabcdefabcdef' },
    ]) {
      const refused = await call('POST', confirmPath, { token: t.a.write, body: bad });
      expect(refused.status).toBe(400);
      expect(refused.json.error.details[0].field).toBe('body.confirmation');
    }
    const forSms = await call('POST', `${path}/${sms.json.id}/confirm`, { token: t.a.write, body });
    expect(forSms.status).toBe(409);
    const foreign = await call('POST', confirmPath, {
      token: t.a.write,
      body: { confirmation: 'b'.repeat(40) },
    });
    expect(foreign.status).toBe(409);

    const ok = await call('POST', confirmPath, { token: t.a.write, body });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({
      id: email.json.id,
      confirmation: 'confirmed',
      confirmedAt: NOW.toISOString(),
    });
    expect(JSON.stringify(ok.json)).not.toContain('arn:aws');
    expect(confirmations).toEqual(['b'.repeat(40), 'a'.repeat(40)]);
    const listed = await call('GET', path, { token: t.a.read });
    expect(listed.json.items.find((x: { id: string }) => x.id === email.json.id)).toMatchObject({
      confirmedAt: NOW.toISOString(),
    });
    expect(JSON.stringify(listed.json)).not.toContain('arn:aws');
    const stored = (await t.repos.subscribers.list(issue.id)).find((x) => x.id === email.json.id);
    expect(stored?.subscriptionArn).toBe(arn);
    expect(t.repos._audit.some((e) => e.action === 'subscriber.confirm')).toBe(true);

    // Locally there is no SNS: nothing to confirm.
    const local = client(buildApi(t.repos, { now: () => NOW }));
    expect((await local('POST', confirmPath, { token: t.a.write, body })).status).toBe(409);
    const localList = await local('GET', path, { token: t.a.read });
    expect(localList.json.items.map((x: { confirmation: string }) => x.confirmation)).toEqual([
      'not-needed',
      'not-needed',
    ]);
  });
});

describe('API: tenants, tokens, audit', () => {
  it('lets operator admins create and list tenants, and confines tenant admins to their own', async () => {
    const t = await setup();
    const op = await tenantWithTokens(t.repos, 'platform', NOW);
    const created = await t.call('POST', '/v1/tenants', {
      token: op.admin,
      body: { id: 'bmkg', name: 'BMKG' },
    });
    expect(created.status).toBe(201);
    expect(
      (await t.call('POST', '/v1/tenants', { token: op.admin, body: { id: 'bmkg', name: 'B' } }))
        .status,
    ).toBe(409);
    expect(
      (await t.call('POST', '/v1/tenants', { token: t.a.admin, body: { id: 'x1', name: 'X' } }))
        .status,
    ).toBe(403);
    const mine = await t.call('GET', '/v1/tenants', { token: t.a.admin });
    expect(mine.json.items.map((x: { id: string }) => x.id)).toEqual(['kominfo']);
    const all = await t.call('GET', '/v1/tenants', { token: op.admin });
    expect(all.json.items.map((x: { id: string }) => x.id).sort()).toEqual([
      'bapanas',
      'bmkg',
      'kominfo',
      'platform',
    ]);
    expect((await t.call('GET', '/v1/tenants/bapanas/tokens', { token: t.a.admin })).status).toBe(
      404,
    );
    expect(
      (
        await t.call('POST', '/v1/tenants/bapanas/tokens', {
          token: t.a.admin,
          body: { scopes: ['pantau/admin'] },
        })
      ).status,
    ).toBe(404);
    const opMint = await t.call('POST', '/v1/tenants/bmkg/tokens', {
      token: op.admin,
      body: { scopes: ['pantau/read'] },
    });
    expect(opMint.status).toBe(201);
    expect(opMint.json.tenantId).toBe('bmkg');
  });

  it('lists tokens without secrets or hashes, and audits token changes', async () => {
    const t = await setup();
    const res = await t.call('GET', '/v1/tenants/kominfo/tokens', { token: t.a.admin });
    expect(res.json.items).toHaveLength(3);
    expect(JSON.stringify(res.json)).not.toMatch(/hash|pt_/);
    await t.call('POST', '/v1/tenants/kominfo/tokens', {
      token: t.a.admin,
      body: { scopes: ['pantau/read'] },
    });
    const audit = await t.call('GET', '/v1/audit', { token: t.a.admin });
    expect(audit.json.items[0]).toMatchObject({
      action: 'token.create',
      clientId: expect.stringMatching(/^token:/),
    });
    expect(JSON.stringify(audit.json)).not.toContain('pt_');
    const bad = await t.call('POST', '/v1/tenants/kominfo/tokens', {
      token: t.a.admin,
      body: { scopes: ['root'] },
    });
    expect(bad.status).toBe(400);
  });
});
