/**
 * Tenant isolation on DynamoDB Local, as a property: for 1,000 random requests by any client of
 * tenant A (any scope, any route, aimed at A's or B's resources), no response carries anything
 * of tenant B and nothing of B changes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../lib/api/app.ts';
import { createLocalTokenAuthenticator } from '../../../lib/api/auth.ts';
import type { Api } from '../../../lib/api/types.ts';
import type { Repositories } from '../../../lib/domain/ports.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';
import { type SeededTenant, seedTenant, snapshotTenant } from './seed.ts';

const MARKER_B = 'RAHASIA-BAPANAS';

describe('Tenant isolation (DynamoDB Local)', () => {
  let table: TestTable;
  let repos: Repositories;
  let api: Api;
  let a: SeededTenant;
  let b: SeededTenant;

  beforeAll(async () => {
    table = await createTestTable('api-iso');
    repos = createRepositories({ doc: table.doc, tableName: table.tableName });
    api = createApi({ repos, authenticator: createLocalTokenAuthenticator(repos.tenants) });
    a = await seedTenant(repos, 'kominfo', { marker: 'KOMINFO' });
    b = await seedTenant(repos, 'bapanas', { marker: MARKER_B });
  });

  afterAll(async () => {
    await table?.drop();
  });

  it('never shows or changes anything of tenant B to a client of tenant A', async () => {
    const before = await snapshotTenant(repos, b);
    const bIds = [...b.issueIds, ...b.mentionIds, ...b.alertIds, ...b.subscriberIds, ...b.tokenIds];
    const owner = fc.constantFrom<'A' | 'B'>('A', 'B');
    const target = fc.record({
      owner,
      issue: fc.nat(),
      mention: fc.nat(),
      alert: fc.nat(),
      sub: fc.nat(),
      token: fc.nat(),
    });
    const routes = [
      ['GET', '/v1/issues'],
      ['GET', '/v1/issues/{issue}'],
      ['PATCH', '/v1/issues/{issue}'],
      ['DELETE', '/v1/issues/{issue}'],
      ['GET', '/v1/issues/{issue}/mentions'],
      ['GET', '/v1/issues/{issue}/stats'],
      ['GET', '/v1/issues/{issue}/alerts'],
      ['GET', '/v1/issues/{issue}/subscribers'],
      ['POST', '/v1/issues/{issue}/subscribers'],
      ['DELETE', '/v1/issues/{issue}/subscribers/{sub}'],
      ['GET', '/v1/alerts'],
      ['GET', '/v1/alerts/{alert}'],
      ['POST', '/v1/alerts/{alert}/ack'],
      ['POST', '/v1/alerts/{alert}/resolve'],
      ['POST', '/v1/mentions/{mention}/sentiment'],
      ['GET', '/v1/tenants'],
      ['GET', '/v1/tenants/{tenant}/tokens'],
      ['POST', '/v1/tenants/{tenant}/tokens'],
      ['DELETE', '/v1/tenants/{tenant}/tokens/{token}'],
      ['GET', '/v1/audit'],
      ['GET', '/v1/sources/status'],
    ] as const;
    const bodies = fc.constantFrom(
      { name: 'ganti nama' },
      { status: 'paused' },
      { channel: 'email', address: 'penyusup@example.com' },
      { note: 'ditangani' },
      { label: 'POSITIVE' },
      { scopes: ['pantau/admin'] },
      {},
    );
    const queries = fc.constantFrom(
      {},
      { limit: '2' },
      { sort: 'engagement' },
      { breakdown: 'true', interval: '1d' },
      { status: 'open' },
      { contains: 'harga' },
    );
    const request = fc.record({
      route: fc.constantFrom(...routes),
      scope: fc.constantFrom<'read' | 'write' | 'admin'>('read', 'write', 'admin'),
      target,
      body: bodies,
      query: queries,
    });

    const statuses = { ownOk: 0, foreignOk: 0 };
    await fc.assert(
      fc.asyncProperty(request, async ({ route, scope, target: t, body, query }) => {
        const victim = t.owner === 'A' ? a : b;
        const at = (list: string[], n: number) => list[n % list.length] as string;
        const path = route[1]
          .replace('{issue}', at(victim.issueIds, t.issue))
          .replace('{mention}', at(victim.mentionIds, t.mention))
          .replace('{alert}', at(victim.alertIds, t.alert))
          .replace('{sub}', at(victim.subscriberIds, t.sub))
          .replace('{token}', at(victim.tokenIds.slice(3), t.token) ?? 'tok_none')
          .replace('{tenant}', victim.tenantId);
        const res = await api({
          method: route[0],
          path,
          query,
          headers: {
            authorization: `Bearer ${a.tokens[scope]}`,
            'content-type': 'application/json',
          },
          body: route[0] === 'GET' || route[0] === 'DELETE' ? undefined : JSON.stringify(body),
        });
        expect(res.status).toBeLessThan(500);
        expect(res.body).not.toContain(MARKER_B);
        for (const id of bIds) expect(res.body).not.toContain(id);
        expect(res.body).not.toMatch(/"tenantId":"bapanas"/);
        const touchesB =
          t.owner === 'B' && /\{(issue|mention|alert|sub|token|tenant)\}/.test(route[1]);
        if (touchesB) {
          expect([400, 403, 404]).toContain(res.status);
          if (res.status < 300) statuses.foreignOk++;
        } else if (res.status < 300) {
          statuses.ownOk++;
        }
      }),
      { numRuns: 1_000, seed: 6 },
    );
    expect(statuses.foreignOk).toBe(0);
    // The property must also have exercised successful requests on A's own data.
    expect(statuses.ownOk).toBeGreaterThan(50);
    const after = await snapshotTenant(repos, b);
    expect(after).toEqual(before);
  }, 120_000);
});
