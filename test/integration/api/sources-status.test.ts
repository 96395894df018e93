/**
 * `GET /v1/sources/status` on DynamoDB Local: the stored statuses with their liveness computed at
 * the time the route is asked (the API's `now`), conforming to the route's zod schema.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceStatus } from '../../../lib/api/schemas.ts';
import type { Repositories } from '../../../lib/domain/ports.ts';
import type { SourceStatusView } from '../../../lib/domain/types.ts';
import { sourceStatusKey } from '../../../lib/storage/keys.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';
import { buildApi, client, tenantWithTokens } from '../../unit/api/fixtures.ts';

const MIN = 60_000;
const T0 = new Date('2026-11-29T06:05:00.000Z');
const iso = (ms: number) => new Date(T0.getTime() + ms).toISOString();

describe('GET /v1/sources/status: liveness at read time (DynamoDB Local)', () => {
  let table: TestTable;
  let repos: Repositories;
  let token: string;
  let now = T0;

  const statuses = async (): Promise<Record<string, SourceStatusView>> => {
    const call = client(buildApi(repos, { now: () => now }));
    const res = await call('GET', '/v1/sources/status', { token });
    expect(res.status).toBe(200);
    const items = res.json.items as SourceStatusView[];
    for (const item of items) expect(sourceStatus.safeParse(item).success, item.source).toBe(true);
    return Object.fromEntries(items.map((s) => [s.source, s]));
  };

  beforeAll(async () => {
    table = await createTestTable('src-live');
    repos = createRepositories({ doc: table.doc, tableName: table.tableName });
    token = (await tenantWithTokens(repos, 'kominfo', T0)).read;
    // X every 5 min, last ran at T0.
    await repos.sourceStatus.put({
      source: 'x',
      status: 'ok',
      lastRunAt: iso(0),
      postsSeen: 12,
      mentionsWritten: 3,
      expectedEveryMinutes: 5,
    });
    // YouTube hourly, out of quota until T0 + 6 h.
    await repos.sourceStatus.put({
      source: 'youtube',
      status: 'quota-exhausted',
      lastRunAt: iso(0),
      until: iso(6 * 60 * MIN),
      postsSeen: 0,
      mentionsWritten: 0,
      expectedEveryMinutes: 60,
    });
    // RSS every 15 min, a run fanned out into 8 shards of which 3 reported; started 2 min before T0.
    const runId = `${iso(-2 * MIN)}~a1b2c3d4e5f6`;
    for (const n of [1, 2, 3]) {
      await repos.sourceStatus.put({
        source: 'rss',
        status: 'ok',
        lastRunAt: iso(0),
        postsSeen: n,
        mentionsWritten: 0,
        runId,
        shards: 1,
        shardsPlanned: 8,
        expectedEveryMinutes: 15,
      });
    }
    // Mastodon as stored before the interval was recorded: raw item, no expectedEveryMinutes.
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...sourceStatusKey('mastodon'),
          entityType: 'source-status',
          source: 'mastodon',
          status: 'ok',
          lastRunAt: iso(-30 * 24 * 60 * MIN),
          postsSeen: 4,
          mentionsWritten: 1,
        },
      }),
    );
  });

  afterAll(async () => {
    await table?.drop();
  });

  it('reports every source live right after its run, with the recorded interval', async () => {
    now = new Date(T0.getTime() + MIN);
    const s = await statuses();
    expect(s.x).toEqual({
      source: 'x',
      status: 'ok',
      lastRunAt: iso(0),
      postsSeen: 12,
      mentionsWritten: 3,
      expectedEveryMinutes: 5,
      overdue: false,
    });
    expect(s.rss).toMatchObject({
      shards: 3,
      shardsPlanned: 8,
      postsSeen: 6,
      expectedEveryMinutes: 15,
      overdue: false,
      run: 'running',
    });
    expect(s.youtube?.overdue).toBe(false);
    // An old item: no interval, so never overdue, however old its last run.
    expect(s.mastodon).toEqual({
      source: 'mastodon',
      status: 'ok',
      lastRunAt: iso(-30 * 24 * 60 * MIN),
      postsSeen: 4,
      mentionsWritten: 1,
      overdue: false,
    });
  });

  it('calls X overdue from 15 min after its last run, and the partial RSS run incomplete', async () => {
    now = new Date(T0.getTime() + 15 * MIN);
    expect((await statuses()).x?.overdue).toBe(false);

    now = new Date(T0.getTime() + 3 * 60 * MIN);
    const s = await statuses();
    expect(s.x).toMatchObject({ overdue: true, overdueSince: iso(15 * MIN) });
    // RSS: 15-min horizon + 5-min timeout after its start passed long ago; 3 h > 2 x 15 + 5 min.
    expect(s.rss).toMatchObject({ run: 'incomplete', overdue: true, overdueSince: iso(35 * MIN) });
    // YouTube's quota stop still explains its silence.
    expect(s.youtube).toMatchObject({ overdue: false });
    expect(s.youtube?.overdueSince).toBeUndefined();
    expect(s.mastodon?.overdue).toBe(false);
  });

  it('calls a stopped source overdue once its stop has passed by the tolerance', async () => {
    now = new Date(T0.getTime() + (6 * 60 + 125) * MIN);
    expect((await statuses()).youtube?.overdue).toBe(false);
    now = new Date(T0.getTime() + (6 * 60 + 126) * MIN);
    expect((await statuses()).youtube).toMatchObject({
      overdue: true,
      overdueSince: iso((6 * 60 + 125) * MIN),
    });
  });
});
