/**
 * Storage figures on DynamoDB Local, in the benchmark shape (`run()` returns figures, prints
 * nothing): `npm run bench -- storage`.
 *
 * DynamoDB Local is a single JVM on this machine, so the rates are relative, not AWS's. The
 * action counts are exact and give the write cost: a transactional write of an item up to 1 KB
 * costs 2 write request units.
 */
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ScoreWrite } from '../../lib/domain/ports.ts';
import { SENTIMENT_LABELS, type SentimentLabel } from '../../lib/domain/types.ts';
import { startDynamoDbLocal } from '../../lib/local/dynamodb-local.ts';
import {
  createDocumentClient,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
} from '../../lib/storage/clients.ts';
import { createRepositories } from '../../lib/storage/repositories.ts';
import { createTableInput } from '../../lib/storage/table-definition.ts';
import { mention, scoreWrite } from '../integration/storage/fixtures.ts';

const MENTIONS = 600;
const STREAM_BATCH = 100;
const PUT_CONCURRENCY = 16;

function counting(real: DynamoDBDocumentClient) {
  const stats = { transactions: 0, actions: 0 };
  const client = {
    send(command: unknown) {
      if (command instanceof TransactWriteCommand) {
        stats.transactions += 1;
        stats.actions += command.input.TransactItems?.length ?? 0;
      }
      return real.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, stats };
}

async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}

export async function run(): Promise<Record<string, number | string>> {
  const ddb = await startDynamoDbLocal();
  const config = { endpoint: ddb.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const raw = new DynamoDBClient(config);
  const tableName = `bench-storage-${Date.now()}`;
  try {
    await raw.send(new CreateTableCommand(createTableInput(tableName)));
    const doc = createDocumentClient(config);
    const { client, stats } = counting(doc);
    const repos = createRepositories({ doc: client, tableName, cursorSecret: 'bench' });

    // A busy hour: 600 mentions, 6 s apart, so a stream batch of 100 spans two 5-minute windows.
    const base = Date.parse('2026-06-01T09:00:00.000Z');
    const ms = Array.from({ length: MENTIONS }, (_, i) =>
      mention({
        issueId: 'bench',
        sourceId: `b${i}`,
        createdAt: new Date(base + i * 6_000).toISOString(),
      }),
    );
    let t0 = performance.now();
    await inParallel(ms, PUT_CONCURRENCY, (m) => repos.mentions.putNew(m));
    const putMs = performance.now() - t0;

    const writes: ScoreWrite[] = ms.map((m, i) =>
      scoreWrite(m, SENTIMENT_LABELS[i % 4] as SentimentLabel),
    );
    const batches: ScoreWrite[][] = [];
    for (let i = 0; i < writes.length; i += STREAM_BATCH)
      batches.push(writes.slice(i, i + STREAM_BATCH));

    t0 = performance.now();
    for (const b of batches) await repos.mentions.recordScores(b);
    const scoreMs = performance.now() - t0;
    const firstPass = { ...stats };

    t0 = performance.now();
    let replayed = 0;
    for (const b of batches) replayed += (await repos.mentions.recordScores(b)).alreadyScored;
    const replayMs = performance.now() - t0;

    t0 = performance.now();
    let pages = 0;
    let cursor: string | undefined;
    do {
      const page = await repos.mentions.query('bench', {
        from: '2026-06-01T00:00:00.000Z',
        to: '2026-06-02T00:00:00.000Z',
        limit: 100,
        order: 'desc',
        cursor,
      });
      pages += 1;
      cursor = page.nextCursor;
    } while (cursor);
    const queryMs = performance.now() - t0;

    t0 = performance.now();
    const negative = await repos.mentions.query('bench', {
      from: '2026-06-01T00:00:00.000Z',
      to: '2026-06-02T00:00:00.000Z',
      sentiment: 'NEGATIVE',
      limit: 100,
      order: 'desc',
    });
    const filteredMs = performance.now() - t0;

    return {
      'putNew mentions/s (16 in flight)': (MENTIONS / putMs) * 1000,
      'recordScores mentions/s (batches of 100)': (MENTIONS / scoreMs) * 1000,
      'recordScores replay mentions/s (all already scored)': (replayed / replayMs) * 1000,
      'transactions per 100 mentions': (firstPass.transactions / MENTIONS) * 100,
      'transaction actions per mention': firstPass.actions / MENTIONS,
      'write request units per scored mention': (2 * firstPass.actions) / MENTIONS,
      'query pages of 100 (600 mentions)': pages,
      'query ms per page of 100': queryMs / pages,
      'filtered query ms (100 NEGATIVE of 600)': filteredMs,
      'filtered query items': negative.items.length,
    };
  } finally {
    await raw.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
    raw.destroy();
    await ddb.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await run();
  for (const [name, value] of Object.entries(figures)) {
    process.stdout.write(
      `${name.padEnd(56)} ${typeof value === 'number' ? value.toFixed(2) : value}\n`,
    );
  }
}
