import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../lib/domain/errors.ts';
import type { ApiToken, Repositories } from '../../../lib/domain/ports.ts';
import {
  alertSk,
  auditKey,
  detectorKey,
  encodeAlertId,
  issueKey,
  tokenKey,
} from '../../../lib/storage/keys.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';
import { alert, issue, mention, scoreWrite } from './fixtures.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function token(over: Partial<ApiToken> = {}): ApiToken {
  return {
    hash: sha('secret-1'),
    tenantId: 'kominfo',
    id: 'tok1',
    name: 'dashboard',
    scopes: ['read', 'write'],
    createdAt: '2026-03-01T00:00:00.000Z',
    ...over,
  };
}

describe('storage repositories on DynamoDB Local', () => {
  let table: TestTable;
  let repos: Repositories;

  beforeAll(async () => {
    table = await createTestTable('repos');
    repos = createRepositories({ doc: table.doc, tableName: table.tableName });
  });
  afterAll(async () => {
    await table.drop();
  });

  const raw = async (key: { pk: string; sk: string }) =>
    (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: key }))).Item;

  describe('TenantRepository', () => {
    it('round-trips tenants and lists them through GSI1', async () => {
      await repos.tenants.put({
        id: 'kominfo',
        name: 'Kominfo',
        createdAt: '2026-01-01T00:00:00.000Z',
      });
      await repos.tenants.put({ id: 'bps', name: 'BPS', createdAt: '2026-01-02T00:00:00.000Z' });
      expect(await repos.tenants.get('kominfo')).toEqual({
        id: 'kominfo',
        name: 'Kominfo',
        createdAt: '2026-01-01T00:00:00.000Z',
      });
      expect(await repos.tenants.get('nobody')).toBeUndefined();
      const ids = (await repos.tenants.list()).map((t) => t.id).sort();
      expect(ids).toEqual(['bps', 'kominfo']);
      await expect(
        repos.tenants.put({ id: 'a#b', name: 'x', createdAt: '2026-01-01T00:00:00.000Z' }),
      ).rejects.toBeInstanceOf(ValidationError);
    });

    it('stores tokens by hash, lists them per tenant and revokes them once', async () => {
      // Prepare
      const t1 = token();
      const t2 = token({
        hash: sha('secret-2'),
        id: 'tok2',
        expiresAt: '2027-01-01T00:00:00.000Z',
      });
      const other = token({ hash: sha('secret-3'), id: 'tok3', tenantId: 'bps' });
      for (const t of [t1, t2, other]) await repos.tenants.putToken(t);

      // Act
      const revoked = await repos.tenants.revokeToken(
        'kominfo',
        'tok1',
        '2026-03-02T00:00:00.000Z',
      );
      const again = await repos.tenants.revokeToken('kominfo', 'tok1', '2026-03-05T00:00:00.000Z');
      const foreign = await repos.tenants.revokeToken(
        'kominfo',
        'tok3',
        '2026-03-02T00:00:00.000Z',
      );
      const missing = await repos.tenants.revokeToken(
        'kominfo',
        'nope',
        '2026-03-02T00:00:00.000Z',
      );

      // Assess
      expect([revoked, again, foreign, missing]).toEqual([true, true, false, false]);
      expect(await repos.tenants.getToken(t1.hash)).toEqual({
        ...t1,
        revokedAt: '2026-03-02T00:00:00.000Z',
      });
      expect(await repos.tenants.getToken(t2.hash)).toEqual(t2);
      expect((await repos.tenants.getToken(other.hash))?.revokedAt).toBeUndefined();
      expect(await repos.tenants.getToken(sha('unknown'))).toBeUndefined();
      expect(await repos.tenants.getToken('not-a-hash')).toBeUndefined();
      const listed = await repos.tenants.listTokens('kominfo');
      expect(listed.map((t) => [t.id, t.revokedAt])).toEqual([
        ['tok1', '2026-03-02T00:00:00.000Z'],
        ['tok2', undefined],
      ]);
      expect((await raw(tokenKey(t1.hash)))?.entityType).toBe('token');
      await expect(repos.tenants.putToken(token({ hash: 'plain-secret' }))).rejects.toBeInstanceOf(
        ValidationError,
      );
    });
  });

  describe('IssueRepository', () => {
    it('creates once, updates, deletes, and keeps tenants apart', async () => {
      // Prepare
      const i = issue({ id: 'bbm' });

      // Act + Assess
      await repos.issues.create(i);
      await expect(repos.issues.create(i)).rejects.toBeInstanceOf(ConflictError);
      expect(await repos.issues.get('kominfo', 'bbm')).toEqual(i);
      expect(await repos.issues.get('bps', 'bbm')).toBeUndefined();
      expect(await repos.issues.list('bps')).toEqual([]);

      const updated = { ...i, name: 'Harga BBM', updatedAt: '2026-03-02T00:00:00.000Z' };
      await repos.issues.update(updated);
      expect(await repos.issues.get('kominfo', 'bbm')).toEqual(updated);
      await expect(repos.issues.update({ ...updated, tenantId: 'bps' })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(await repos.issues.get('bps', 'bbm')).toBeUndefined();

      expect(await repos.issues.delete('bps', 'bbm')).toBe(false);
      expect(await repos.issues.delete('kominfo', 'bbm')).toBe(true);
      expect(await repos.issues.get('kominfo', 'bbm')).toBeUndefined();
      expect(await repos.issues.delete('kominfo', 'bbm')).toBe(false);
      await expect(repos.issues.create(issue({ id: 'bad id' }))).rejects.toBeInstanceOf(
        ValidationError,
      );
    });

    it('lists active issues of every tenant and drops paused ones from the index', async () => {
      // Prepare
      await repos.issues.create(issue({ tenantId: 'kominfo', id: 'act1' }));
      await repos.issues.create(issue({ tenantId: 'bps', id: 'act2' }));
      await repos.issues.create(issue({ tenantId: 'bps', id: 'paused1', status: 'paused' }));
      const toPause = issue({ tenantId: 'kominfo', id: 'act3' });
      await repos.issues.create(toPause);

      // Act
      await repos.issues.update({ ...toPause, status: 'paused' });

      // Assess
      const active = (await repos.issues.listActive()).map((x) => `${x.tenantId}/${x.id}`).sort();
      expect(active).toEqual(['bps/act2', 'kominfo/act1']);
      const item = await raw(issueKey('kominfo', 'act3'));
      expect(item?.gsi1pk).toBeUndefined();
      expect((await raw(issueKey('kominfo', 'act1')))?.gsi1sk).toBe('ISSUE#kominfo#act1');
      expect((await repos.issues.list('bps')).map((x) => x.id).sort()).toEqual(['act2', 'paused1']);
    });
  });

  describe('DetectorStateRepository', () => {
    it('writes with an optimistic lock and rejects a stale version with ConflictError', async () => {
      const state = { mean: 2.5, dev: 1.25, episode: null, recent: [1, 2, 3] };
      expect(await repos.detector.get('beras')).toBeUndefined();
      await repos.detector.put('beras', state, 0);
      await expect(repos.detector.put('beras', { other: true }, 0)).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(await repos.detector.get('beras')).toEqual({ state, version: 1 });

      await repos.detector.put('beras', { ...state, mean: 3 }, 1);
      await expect(repos.detector.put('beras', state, 1)).rejects.toBeInstanceOf(ConflictError);
      await expect(repos.detector.put('beras', state, 5)).rejects.toBeInstanceOf(ConflictError);
      expect(await repos.detector.get('beras')).toEqual({
        state: { ...state, mean: 3 },
        version: 2,
      });
      expect((await raw(detectorKey('beras')))?.entityType).toBe('detector');
      await expect(repos.detector.put('beras', state, -1)).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('AlertRepository', () => {
    it('creates an alert once per issue, episode and level and derives its id', async () => {
      // Prepare
      const a = alert();

      // Act
      const created = await repos.alerts.create(a);
      const duplicate = await repos.alerts.create({ ...a, raisedAt: '2026-03-01T08:06:00.000Z' });

      // Assess
      expect([created, duplicate]).toEqual([true, false]);
      const id = encodeAlertId('beras', alertSk(a.episodeStart, a.level));
      expect(await repos.alerts.get(id)).toEqual({ ...a, id });
      expect(await repos.alerts.get('forged')).toBeUndefined();
    });

    it('marks notified, acknowledges and resolves, and lists per tenant newest first', async () => {
      // Prepare
      const waspada = alert({
        issueId: 'bbm',
        raisedAt: '2026-03-02T08:05:00.000Z',
        episodeStart: '2026-03-02T08:00:00.000Z',
      });
      const siaga = alert({
        issueId: 'bbm',
        raisedAt: '2026-03-02T08:20:00.000Z',
        episodeStart: '2026-03-02T08:00:00.000Z',
        level: 'SIAGA',
        state: 'escalated',
      });
      const older = alert({
        issueId: 'tarif',
        raisedAt: '2026-02-01T08:05:00.000Z',
        episodeStart: '2026-02-01T08:00:00.000Z',
      });
      const foreign = alert({
        tenantId: 'bps',
        issueId: 'inflasi',
        raisedAt: '2026-03-03T00:00:00.000Z',
      });
      for (const a of [waspada, siaga, older, foreign]) await repos.alerts.create(a);

      // Act
      await repos.alerts.markNotified(waspada, '2026-03-02T08:05:02.000Z');
      const acked = await repos.alerts.setStatus(
        siaga,
        'acknowledged',
        'humas-1',
        '2026-03-02T09:00:00.000Z',
        'sedang ditangani',
      );
      const resolved = await repos.alerts.setStatus(
        older,
        'resolved',
        'humas-2',
        '2026-02-02T00:00:00.000Z',
        undefined,
      );

      // Assess
      expect(acked).toMatchObject({
        status: 'acknowledged',
        acknowledgedBy: 'humas-1',
        acknowledgedAt: '2026-03-02T09:00:00.000Z',
        note: 'sedang ditangani',
        level: 'SIAGA',
      });
      expect(resolved).toMatchObject({ status: 'resolved', resolvedBy: 'humas-2' });
      expect(resolved.note).toBeUndefined();
      const byTenant = await repos.alerts.listByTenant('kominfo', undefined, 10);
      expect(byTenant.map((a) => a.raisedAt)).toEqual([
        '2026-03-02T08:20:00.000Z',
        '2026-03-02T08:05:00.000Z',
        '2026-03-01T08:05:00.000Z',
        '2026-02-01T08:05:00.000Z',
      ]);
      expect(byTenant[1]?.notifiedAt).toBe('2026-03-02T08:05:02.000Z');
      expect(
        (await repos.alerts.listByTenant('kominfo', 'open', 10)).map((a) => a.issueId),
      ).toEqual(['bbm', 'beras']);
      expect((await repos.alerts.listByTenant('kominfo', 'open', 1)).map((a) => a.level)).toEqual([
        'WASPADA',
      ]);
      expect((await repos.alerts.listByTenant('bps', undefined, 10)).map((a) => a.issueId)).toEqual(
        ['inflasi'],
      );
      expect((await repos.alerts.listByIssue('bbm', 10)).map((a) => a.level)).toEqual([
        'SIAGA',
        'WASPADA',
      ]);
      await expect(
        repos.alerts.setStatus(
          { ...siaga, tenantId: 'bps' },
          'resolved',
          'x',
          '2026-03-03T00:00:00.000Z',
          undefined,
        ),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        repos.alerts.markNotified(alert({ issueId: 'none' }), '2026-03-03T00:00:00.000Z'),
      ).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('SubscriberRepository', () => {
    it('adds, lists and removes subscribers of an issue', async () => {
      const sub = {
        tenantId: 'kominfo',
        issueId: 'beras',
        id: 'sub1',
        channel: 'sms' as const,
        address: '+6281200000001',
        minLevel: 'SIAGA' as const,
        lang: 'id' as const,
        createdAt: '2026-03-01T00:00:00.000Z',
      };
      await repos.subscribers.add(sub);
      const email = {
        ...sub,
        id: 'sub2',
        channel: 'email' as const,
        address: 'humas@example.go.id',
        lang: 'en' as const,
        // Removing a subscriber must be able to withdraw its SNS subscription: the ARN round-trips.
        subscriptionArn: 'arn:aws:sns:ap-southeast-3:111122223333:pantau-alerts:5f1c',
        confirmedAt: '2026-03-01T01:00:00.000Z',
      };
      await repos.subscribers.add(email);
      const listed = await repos.subscribers.list('beras');
      expect(listed).toEqual([sub, email]);
      expect(listed[1]?.subscriptionArn).toBe(email.subscriptionArn);
      expect(await repos.subscribers.remove('beras', 'sub1')).toBe(true);
      expect(await repos.subscribers.remove('beras', 'sub1')).toBe(false);
      expect((await repos.subscribers.list('beras')).map((s) => s.id)).toEqual(['sub2']);
      await expect(
        repos.subscribers.add({ ...sub, minLevel: 'BAHAYA' as 'AWAS' }),
      ).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('CursorRepository and SourceStatusRepository', () => {
    it('round-trips collector cursors per source and scope', async () => {
      expect(await repos.cursors.get('rss', 'https://example.test/feed')).toBeUndefined();
      const cursor = {
        etag: 'W/"1"',
        lastModified: 'Sun, 01 Mar 2026 00:00:00 GMT',
        seen: ['a', 'b'],
        n: 3,
      };
      await repos.cursors.put('rss', 'https://example.test/feed', cursor);
      await repos.cursors.put('x', 'issue:beras', { sinceId: '1234567890123456789' });
      expect(await repos.cursors.get('rss', 'https://example.test/feed')).toEqual(cursor);
      expect(await repos.cursors.get('x', 'issue:beras')).toEqual({
        sinceId: '1234567890123456789',
      });
      expect(await repos.cursors.get('x', 'https://example.test/feed')).toBeUndefined();
      await expect(repos.cursors.put('rss', '', cursor)).rejects.toBeInstanceOf(ValidationError);
    });

    it('keeps one status per source and lists them all', async () => {
      await repos.sourceStatus.put({
        source: 'x',
        status: 'ok',
        lastRunAt: '2026-03-01T00:00:00.000Z',
        postsSeen: 1,
        mentionsWritten: 1,
      });
      const limited = {
        source: 'x' as const,
        status: 'rate-limited' as const,
        lastRunAt: '2026-03-01T00:05:00.000Z',
        until: '2026-03-01T00:20:00.000Z',
        lastError: '429 Too Many Requests',
        postsSeen: 40,
        mentionsWritten: 3,
      };
      await repos.sourceStatus.put(limited);
      await repos.sourceStatus.put({
        source: 'rss',
        status: 'ok',
        lastRunAt: '2026-03-01T00:05:00.000Z',
        postsSeen: 10,
        mentionsWritten: 2,
      });
      const list = await repos.sourceStatus.list();
      expect(list).toEqual([
        {
          source: 'rss',
          status: 'ok',
          lastRunAt: '2026-03-01T00:05:00.000Z',
          postsSeen: 10,
          mentionsWritten: 2,
        },
        limited,
      ]);
    });
  });

  describe('AuditRepository', () => {
    it('records entries with a 400-day ttl and lists them newest first per tenant', async () => {
      await repos.audit.record({
        tenantId: 'kominfo',
        clientId: 'c1',
        at: '2026-03-01T00:00:00.000Z',
        action: 'issue.create',
        target: 'beras',
        change: { name: 'Harga beras' },
      });
      await repos.audit.record({
        tenantId: 'kominfo',
        clientId: 'c1',
        at: '2026-03-01T00:00:00.000Z',
        action: 'issue.update',
        target: 'beras',
      });
      await repos.audit.record({
        tenantId: 'kominfo',
        clientId: 'c2',
        actor: 'user:budi.santoso',
        at: '2026-03-02T00:00:00.000Z',
        action: 'alert.ack',
        target: 'a1',
        change: [1, 'dua'],
      });
      await repos.audit.record({
        tenantId: 'bps',
        clientId: 'c9',
        at: '2026-03-03T00:00:00.000Z',
        action: 'issue.delete',
        target: 'x',
      });

      const list = await repos.audit.list('kominfo', 10);
      expect(list[0]).toEqual({
        at: '2026-03-02T00:00:00.000Z',
        clientId: 'c2',
        actor: 'user:budi.santoso',
        action: 'alert.ack',
        target: 'a1',
        change: [1, 'dua'],
      });
      expect(
        list
          .slice(1)
          .map((e) => e.action)
          .sort(),
      ).toEqual(['issue.create', 'issue.update']);
      // An entry recorded without an actor (before it was recorded) reads back without one.
      expect(list.find((e) => e.action === 'issue.create')).not.toHaveProperty('actor');
      expect(list.find((e) => e.action === 'issue.create')?.change).toEqual({
        name: 'Harga beras',
      });
      expect(await repos.audit.list('kominfo', 1)).toHaveLength(1);
      expect((await repos.audit.list('bps', 10)).map((e) => e.clientId)).toEqual(['c9']);

      const items = await table.doc.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': auditKey('bps', '', '').pk },
        }),
      );
      expect(items.Items?.[0]?.ttl).toBe(
        Date.parse('2026-03-03T00:00:00.000Z') / 1000 + 400 * 86_400,
      );
      expect(items.Items?.[0]?.entityType).toBe('audit');
    });
  });

  describe('BucketRepository', () => {
    it('returns buckets of one width in [from, to), oldest first', async () => {
      // Prepare: mentions in 130 distinct 5-minute windows (more than one page of 100 writes).
      const base = Date.parse('2026-04-01T00:00:00.000Z');
      const ms = Array.from({ length: 130 }, (_, i) =>
        mention({
          issueId: 'buckets',
          sourceId: `b${i}`,
          createdAt: new Date(base + i * 5 * 60_000 + 1_000).toISOString(),
        }),
      );
      await Promise.all(ms.map((m) => repos.mentions.putNew(m)));
      await repos.mentions.recordScores(ms.map((m) => scoreWrite(m, 'NEUTRAL')));

      // Act
      const all = await repos.buckets.query(
        'buckets',
        '5m',
        '2026-04-01T00:00:00Z',
        '2026-04-02T00:00:00Z',
      );
      const window = await repos.buckets.query(
        'buckets',
        '5m',
        '2026-04-01T01:00:00.000Z',
        '2026-04-01T02:00:00.000Z',
      );
      const hours = await repos.buckets.query(
        'buckets',
        '1h',
        '2026-04-01T00:00:00.000Z',
        '2026-04-02T00:00:00.000Z',
      );

      // Assess
      expect(all).toHaveLength(130);
      expect(all.every((b) => b.total === 1 && b.neutral === 1 && b.width === '5m')).toBe(true);
      expect(window.map((b) => b.start)).toEqual(
        Array.from({ length: 12 }, (_, i) =>
          new Date(base + 3_600_000 + i * 300_000).toISOString(),
        ),
      );
      expect(hours.map((b) => b.total)).toEqual([12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 10]);
      expect(hours[0]).toMatchObject({ tenantId: 'kominfo', issueId: 'buckets', width: '1h' });
      expect(
        await repos.buckets.query(
          'buckets',
          '1d',
          '2026-04-02T00:00:00.000Z',
          '2026-04-01T00:00:00.000Z',
        ),
      ).toEqual([]);
      await expect(
        repos.buckets.query(
          'buckets',
          '2m' as '5m',
          '2026-04-01T00:00:00.000Z',
          '2026-04-02T00:00:00.000Z',
        ),
      ).rejects.toBeInstanceOf(ValidationError);
    }, 120_000);
  });
});
