import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventSourceMapping, startStreamPollers } from '../../../lib/local/stream-poller.ts';
import { silentLog } from '../../../lib/runtime/log.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';

describe('local event source mapping over DynamoDB Local streams', () => {
  let table: TestTable;
  beforeAll(async () => {
    table = await createTestTable('poller');
  });
  afterAll(async () => {
    await table.drop();
  });

  it('delivers filtered batches, retries failures and parks exactly the poison record', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'pantau-poller-'));
    const dlq = join(dir, 'dlq.jsonl');
    const processed: string[] = [];
    let invocations = 0;
    const mapping: EventSourceMapping = {
      name: 'score',
      filters: [
        { eventName: ['INSERT'], dynamodb: { NewImage: { entityType: { S: ['mention'] } } } },
      ],
      batchSize: 10,
      batchingWindowMs: 100,
      maxRetries: 2,
      bisectOnError: true,
      deadLetterFile: dlq,
      handler: async (event) => {
        invocations += 1;
        const failures: { itemIdentifier: string }[] = [];
        for (const r of event.Records as DynamoDBRecord[]) {
          const sk = r.dynamodb?.NewImage?.sk?.S ?? '';
          if (sk === 'poison') failures.push({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' });
          else if (!processed.includes(sk)) processed.push(sk);
        }
        return { batchItemFailures: failures };
      },
    };
    const pollers = await startStreamPollers({
      client: table.client,
      streams: table.streams,
      tableName: table.tableName,
      mappings: [mapping],
      pollIntervalMs: 50,
      retryDelayMs: 10,
      log: silentLog,
    });

    // Act
    const sks = ['a', 'b', 'c', 'poison', 'd', 'e', 'f'];
    for (const sk of sks) {
      await table.doc.send(
        new PutCommand({
          TableName: table.tableName,
          Item: { pk: 'P', sk, entityType: 'mention' },
        }),
      );
    }
    // Not a mention: the filter keeps it away from the handler.
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: 'P', sk: 'bucket', entityType: 'bucket' },
      }),
    );
    await pollers.whenIdle(20_000);
    await pollers.stop();

    // Assess
    expect(processed.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    const parked = readFileSync(dlq, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(parked).toHaveLength(1);
    expect(parked[0].record.dynamodb.NewImage.sk.S).toBe('poison');
    expect(pollers.stats().score?.parked).toBe(1);
    expect(invocations).toBeGreaterThan(1);
  });
});
