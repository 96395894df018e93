/**
 * The local event source mapping when the stream API itself fails: DynamoDB Local (like DynamoDB
 * after 15 minutes, or past the 24-hour trim horizon) can declare a shard iterator dead, and a
 * retry of the same iterator then fails forever. The mapping must take a new one and lose nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStreamPollers } from '../../../lib/local/stream-poller.ts';
import { silentLog } from '../../../lib/runtime/log.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../lib/storage/clients.ts';
import { injectFaults } from '../../helpers/faults.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';

const meta = { httpStatusCode: 400, requestId: 'fault-injected', attempts: 1, totalRetryDelay: 0 };

describe('stream mapping with dead shard iterators', () => {
  let table: TestTable;
  let streams: DynamoDBStreamsClient;
  let dir: string;

  beforeEach(async () => {
    table = await createTestTable('faults-poller');
    streams = new DynamoDBStreamsClient({
      endpoint: table.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    dir = await mkdtemp(join(tmpdir(), 'pantau-faults-poller-'));
  });

  afterEach(async () => {
    streams.destroy();
    await table.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const deadIteratorErrors = {
    trimmed: () =>
      new TrimmedDataAccessException({
        message: 'The operation attempted to read past the oldest stream record in a shard.',
        $metadata: meta,
      }),
    expired: () => new ExpiredIteratorException({ message: 'Iterator expired', $metadata: meta }),
  };

  for (const [kind, error] of Object.entries(deadIteratorErrors)) {
    it(`takes a new iterator when the current one is ${kind}, and delivers every record once`, {
      timeout: 60_000,
    }, async () => {
      // Prepare: the first iterator the mapping reads with is dead for good.
      const faults = injectFaults(streams);
      let dead: string | undefined;
      faults.fail('GetRecordsCommand', {
        when: (input) => {
          dead ??= input.ShardIterator as string;
          return input.ShardIterator === dead;
        },
        error,
      });
      const delivered: string[] = [];
      const pollers = await startStreamPollers({
        client: table.client,
        streams,
        tableName: table.tableName,
        mappings: [
          {
            name: 'score',
            handler: async (event) => {
              for (const r of event.Records) delivered.push(r.dynamodb?.NewImage?.sk?.S ?? '');
              return { batchItemFailures: [] };
            },
            filters: [],
            batchSize: 10,
            batchingWindowMs: 50,
            maxRetries: 1,
            bisectOnError: true,
            deadLetterFile: join(dir, 'dlq.jsonl'),
          },
        ],
        pollIntervalMs: 50,
        retryDelayMs: 10,
        log: silentLog,
      });

      // Act
      const sks = ['a', 'b', 'c', 'd', 'e'];
      for (const sk of sks) {
        await table.doc.send(new PutCommand({ TableName: table.tableName, Item: { pk: 'P', sk } }));
      }
      await pollers.whenIdle(30_000);
      await pollers.stop();

      // Assess
      expect(faults.injected('GetRecords')).toBeGreaterThan(0);
      expect(delivered).toEqual(sks);
    });
  }
});
