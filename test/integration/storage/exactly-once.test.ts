import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repositories, ScoreWrite } from '../../../lib/domain/ports.ts';
import { BUCKET_WIDTHS, type SentimentLabel } from '../../../lib/domain/types.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';
import { mention, scoreWrite } from './fixtures.ts';

/**
 * Fault injection around the real client: the engine still does the work, the wrapper only adds
 * the failures DynamoDB produces under load or on a flaky network.
 */
function faultyClient(
  real: DynamoDBDocumentClient,
  fault: (attempt: number, send: () => Promise<unknown>) => Promise<unknown>,
) {
  let transactions = 0;
  const client = {
    send(command: unknown) {
      if (command instanceof TransactWriteCommand) {
        transactions += 1;
        return fault(transactions, () => real.send(command));
      }
      return real.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, transactions: () => transactions };
}

function conflict(actions: number) {
  return Object.assign(new Error('Transaction cancelled: TransactionConflict'), {
    name: 'TransactionCanceledException',
    CancellationReasons: Array.from({ length: actions }, (_, i) => ({
      Code: i === 0 ? 'TransactionConflict' : 'None',
    })),
  });
}

describe('recordScores exactly-once under concurrency and faults', () => {
  let table: TestTable;
  let repos: Repositories;

  beforeAll(async () => {
    table = await createTestTable('exactly-once');
    repos = createRepositories({ doc: table.doc, tableName: table.tableName });
  });
  afterAll(async () => {
    await table.drop();
  });

  async function seed(issueId: string, n: number): Promise<ScoreWrite[]> {
    const ms = Array.from({ length: n }, (_, i) =>
      mention({
        issueId,
        sourceId: `${issueId}-${i}`,
        createdAt: new Date(Date.parse('2026-05-01T10:00:00.000Z') + i * 20_000).toISOString(),
      }),
    );
    await Promise.all(ms.map((m) => repos.mentions.putNew(m)));
    const labels: SentimentLabel[] = ['NEGATIVE', 'NEGATIVE', 'POSITIVE', 'NEUTRAL', 'MIXED'];
    return ms.map((m, i) => scoreWrite(m, labels[i % labels.length] as SentimentLabel));
  }

  async function totals(issueId: string) {
    const out: Record<string, { total: number; negative: number }> = {};
    for (const width of BUCKET_WIDTHS) {
      const bs = await repos.buckets.query(
        issueId,
        width,
        '2026-05-01T00:00:00.000Z',
        '2026-05-02T00:00:00.000Z',
      );
      out[width] = {
        total: bs.reduce((s, b) => s + b.total, 0),
        negative: bs.reduce((s, b) => s + b.negative, 0),
      };
    }
    return out;
  }

  it('counts each mention once when the same batch is written three times at once', async () => {
    // Prepare
    const writes = await seed('race', 40);

    // Act
    const results = await Promise.all([
      repos.mentions.recordScores(writes),
      repos.mentions.recordScores([...writes].reverse()),
      repos.mentions.recordScores(writes.slice(10, 30)),
    ]);

    // Assess
    const applied = results.reduce((s, r) => s + r.applied, 0);
    expect(applied).toBe(40);
    expect(results.map((r) => r.applied + r.alreadyScored)).toEqual([40, 40, 20]);
    const expected = { total: 40, negative: 16 };
    expect(await totals('race')).toEqual({ '5m': expected, '1h': expected, '1d': expected });
  }, 120_000);

  it('keeps counts exact when an official corrects a mention while it is being scored', async () => {
    // Prepare
    const writes = await seed('racecorr', 6);
    const targets = writes.map((w) => w.mention);

    // Act: each mention is scored and corrected at the same time.
    await Promise.all([
      repos.mentions.recordScores(writes),
      ...targets.map((m) =>
        repos.mentions.correct(m, 'POSITIVE', 'humas', '2026-05-01T12:00:00.000Z'),
      ),
    ]);

    // Assess: whichever came first, each mention counts once, under its corrected label.
    for (const m of targets) {
      expect((await repos.mentions.get(m.id))?.sentiment?.label).toBe('POSITIVE');
    }
    for (const width of BUCKET_WIDTHS) {
      const bs = await repos.buckets.query(
        'racecorr',
        width,
        '2026-05-01T00:00:00.000Z',
        '2026-05-02T00:00:00.000Z',
      );
      const sum = (f: 'total' | 'positive' | 'negative' | 'neutral' | 'mixed') =>
        bs.reduce((s, b) => s + b[f], 0);
      expect([
        sum('total'),
        sum('positive'),
        sum('negative'),
        sum('neutral'),
        sum('mixed'),
      ]).toEqual([6, 6, 0, 0, 0]);
    }
  });

  it('retries a transaction conflict and still counts every mention once', async () => {
    // Prepare
    const writes = await seed('conflict', 12);
    const faulty = faultyClient(table.doc, async (attempt, send) => {
      if (attempt <= 2) throw conflict(12 + 3);
      return send();
    });
    const flaky = createRepositories({ doc: faulty.client, tableName: table.tableName });

    // Act
    const result = await flaky.mentions.recordScores(writes);

    // Assess
    expect(result).toEqual({ applied: 12, alreadyScored: 0 });
    expect(faulty.transactions()).toBe(3);
    const expected = { total: 12, negative: 6 };
    expect(await totals('conflict')).toEqual({ '5m': expected, '1h': expected, '1d': expected });
  });

  it('gives up after a few attempts on lasting contention and writes nothing', async () => {
    // Prepare
    const writes = await seed('stuck', 5);
    const faulty = faultyClient(table.doc, async () => {
      throw conflict(5 + 3);
    });
    const stuck = createRepositories({ doc: faulty.client, tableName: table.tableName });

    // Act + Assess
    await expect(stuck.mentions.recordScores(writes)).rejects.toMatchObject({
      name: 'TransactionCanceledException',
    });
    expect(faulty.transactions()).toBe(5);
    expect(await totals('stuck')).toEqual({
      '5m': { total: 0, negative: 0 },
      '1h': { total: 0, negative: 0 },
      '1d': { total: 0, negative: 0 },
    });
    expect((await repos.mentions.get(writes[0]?.mention.id as string))?.sentiment).toBeUndefined();
  });

  it('does not count twice when a committed response is lost and the batch is retried', async () => {
    // Prepare: the first transaction commits, then the connection drops before the answer.
    const writes = await seed('lost', 8);
    const faulty = faultyClient(table.doc, async (attempt, send) => {
      const out = await send();
      if (attempt === 1) {
        throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      }
      return out;
    });
    const flaky = createRepositories({ doc: faulty.client, tableName: table.tableName });

    // Act: the stream retries the whole batch after the error.
    await expect(flaky.mentions.recordScores(writes)).rejects.toThrow('socket hang up');
    const retry = await flaky.mentions.recordScores(writes);

    // Assess
    expect(retry).toEqual({ applied: 0, alreadyScored: 8 });
    const expected = { total: 8, negative: 4 };
    expect(await totals('lost')).toEqual({ '5m': expected, '1h': expected, '1d': expected });
  });
});
