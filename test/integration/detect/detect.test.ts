/**
 * The detect use case end to end on DynamoDB Local: mentions are stored and scored through
 * the real repositories (which fill the 5-minute buckets), the use case runs at simulated
 * times, and the outbox publisher records who would receive what. A surge must produce exactly
 * one notification per level, through partial windows, retries, a failed publish and a
 * concurrent run.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxPublisher, type OutboxDelivery } from '../../../lib/alerts/index.ts';
import { ConflictError } from '../../../lib/domain/errors.ts';
import type { AlertPublisher, Repositories } from '../../../lib/domain/ports.ts';
import type { Issue, Subscriber } from '../../../lib/domain/types.ts';
import { createDetectUseCase } from '../../../lib/pipeline/detect.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import { writeScoredWindow } from '../../helpers/mentions.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';

const W = 5 * 60_000;
const MIN = 60_000;
/** 08:00 WIB. */
const T0 = Date.parse('2026-03-02T01:00:00.000Z');
const HISTORY = 16;
const S = T0 + HISTORY * W;

let table: TestTable;
let repos: Repositories;
let dir: string;

function issueOf(id: string): Issue {
  return {
    tenantId: 'kominfo',
    id,
    name: id === 'beras' ? 'Harga Beras' : 'Harga BBM',
    query: id,
    sources: ['demo'],
    languages: ['id'],
    status: 'active',
    detector: { minNegative: 5 },
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
  };
}

function subscriber(
  issueId: string,
  id: string,
  channel: 'sms' | 'email',
  minLevel: Subscriber['minLevel'],
): Subscriber {
  return {
    tenantId: 'kominfo',
    issueId,
    id,
    channel,
    address: channel === 'sms' ? '+6281234567890' : 'humas@kominfo.go.id',
    minLevel,
    lang: 'id',
    createdAt: '2026-03-01T00:00:00.000Z',
  };
}

/** Stores and scores a window of this test's table. */
function writeWindow(issueId: string, startMs: number, negative: number, other: number) {
  return writeScoredWindow(repos, issueId, startMs, negative, other);
}

async function writeHistory(issueId: string) {
  for (let i = 0; i < HISTORY; i++) await writeWindow(issueId, T0 + i * W, 1 + (i % 3), 4);
}

async function outbox(file: string): Promise<OutboxDelivery[]> {
  try {
    const text = await readFile(file, 'utf8');
    return text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OutboxDelivery);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

beforeAll(async () => {
  table = await createTestTable('detect');
  repos = createRepositories({ doc: table.doc, tableName: table.tableName });
  dir = await mkdtemp(join(tmpdir(), 'pantau-detect-'));
});

afterAll(async () => {
  await table.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('detect use case on DynamoDB Local', () => {
  it('notifies once per level through partial windows and retries, then resolves', {
    timeout: 180_000,
  }, async () => {
    const issue = issueOf('beras');
    await repos.issues.create(issue);
    await repos.subscribers.add(subscriber('beras', 'sms-1', 'sms', 'WASPADA'));
    await repos.subscribers.add(subscriber('beras', 'mail-1', 'email', 'SIAGA'));
    const file = join(dir, 'beras.jsonl');
    let clock = S;
    const detect = createDetectUseCase({
      repos,
      publisher: createOutboxPublisher({ file, subscribers: repos.subscribers, console: false }),
      now: () => new Date(clock),
    });
    const change = [{ tenantId: 'kominfo', issueId: 'beras', start: new Date(S).toISOString() }];

    await writeHistory('beras');
    await detect.onBucketsChanged(change);
    expect(await outbox(file)).toEqual([]);

    // Three surge windows, each evaluated while still partial and then again (a retry).
    const surge: [number, number][] = [
      [13, 1],
      [26, 2],
      [50, 4],
    ];
    for (const [k, [neg, other]] of surge.entries()) {
      await writeWindow('beras', S + k * W, neg, other);
      clock = S + k * W + 3 * MIN;
      await detect.onBucketsChanged(change);
      await detect.onBucketsChanged(change);
    }
    clock = S + 3 * W + MIN;
    await detect.onBucketsChanged(change);

    const lines = await outbox(file);
    const alertsNow = await repos.alerts.listByIssue('beras', 10);
    expect(
      lines.map((l) => `${l.level}/${l.state}/${l.channel}`),
      JSON.stringify(alertsNow.map((a) => [a.level, a.evidence.reason])),
    ).toEqual([
      'WASPADA/raised/sms',
      'SIAGA/escalated/email',
      'SIAGA/escalated/sms',
      'AWAS/escalated/email',
      'AWAS/escalated/sms',
    ]);
    const alerts = await repos.alerts.listByIssue('beras', 10);
    expect(alerts).toHaveLength(3);
    expect(new Set(alerts.map((a) => a.episodeStart))).toEqual(
      new Set([new Date(S).toISOString()]),
    );
    expect(alerts.every((a) => a.notifiedAt !== undefined && a.status === 'open')).toBe(true);
    const awas = alerts.find((a) => a.level === 'AWAS');
    expect(awas?.evidence.negative).toBe(50);
    expect(awas?.evidence.windowStart).toBe(new Date(S + 2 * W).toISOString());
    const top = awas?.evidence.topMentions ?? [];
    expect(top.length).toBe(5);
    expect(top.every((m) => m.text.startsWith('harga naik terus'))).toBe(true);
    expect(top.map((m) => m.engagement)).toEqual(
      [...top.map((m) => m.engagement)].sort((a, b) => b - a),
    );

    // Back to normal for a while: the episode resolves, nobody is paged again.
    for (let i = 3; i < 28; i++) {
      await writeWindow('beras', S + i * W, 1 + (i % 3), 4);
      clock = S + (i + 1) * W + MIN;
      await detect.onBucketsChanged(change);
    }
    const after = await repos.alerts.listByIssue('beras', 10);
    expect(after.map((a) => a.status)).toEqual(['resolved', 'resolved', 'resolved']);
    expect(after.every((a) => a.resolvedBy === 'system')).toBe(true);
    expect(await outbox(file)).toHaveLength(5);
    const state = await repos.detector.get('beras');
    expect(state?.state).toMatchObject({ pending: [] });
  });

  it('retries a failed publish exactly once and survives a concurrent run', {
    timeout: 120_000,
  }, async () => {
    const issue = issueOf('bbm');
    await repos.issues.create(issue);
    await repos.subscribers.add(subscriber('bbm', 'sms-2', 'sms', 'WASPADA'));
    const file = join(dir, 'bbm.jsonl');
    const real = createOutboxPublisher({ file, subscribers: repos.subscribers, console: false });
    let failNext = false;
    const flaky: AlertPublisher = {
      async publish(alert) {
        if (failNext) {
          failNext = false;
          throw new Error('SNS unavailable');
        }
        return real.publish(alert);
      },
    };
    let clock = S;
    const deps = { repos, publisher: flaky, now: () => new Date(clock) };
    const a = createDetectUseCase(deps);
    const b = createDetectUseCase(deps);
    const change = [{ tenantId: 'kominfo', issueId: 'bbm', start: new Date(S).toISOString() }];

    await writeHistory('bbm');
    await a.onBucketsChanged(change);
    await writeWindow('bbm', S, 50, 4);
    clock = S + 4 * MIN;
    failNext = true;
    await expect(a.onBucketsChanged(change)).rejects.toThrow('SNS unavailable');
    const [stored] = await repos.alerts.listByIssue('bbm', 10);
    expect(stored?.level).toBe('AWAS');
    expect(stored?.notifiedAt).toBeUndefined();
    expect(await outbox(file)).toEqual([]);

    // The stream retries, while a second invocation for the same issue runs concurrently.
    const raced = await Promise.allSettled([
      a.onBucketsChanged(change),
      b.onBucketsChanged(change),
    ]);
    // At most one of them may be told to retry because the other holds the delivery lease.
    for (const r of raced) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
    }
    await a.onBucketsChanged(change);
    const lines = await outbox(file);
    expect(lines.map((l) => `${l.level}/${l.subscriberId}`)).toEqual(['AWAS/sms-2']);
    const [notified] = await repos.alerts.listByIssue('bbm', 10);
    expect(notified?.notifiedAt).toBeDefined();
  });

  it('skips a paused issue and one that no longer exists', async () => {
    const paused = { ...issueOf('paused'), status: 'paused' as const };
    await repos.issues.create(paused);
    const calls: string[] = [];
    const detect = createDetectUseCase({
      repos,
      publisher: {
        async publish(alert) {
          calls.push(alert.id);
          return { messageId: 'x' };
        },
      },
      now: () => new Date(S),
    });
    await detect.onBucketsChanged([
      { tenantId: 'kominfo', issueId: 'paused', start: new Date(S).toISOString() },
      { tenantId: 'kominfo', issueId: 'gone', start: new Date(S).toISOString() },
    ]);
    expect(calls).toEqual([]);
    expect(await repos.detector.get('paused')).toBeUndefined();
  });
});
