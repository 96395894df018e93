import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { silentLog } from '../../../lib/runtime/log.ts';
import { newImage, processGroupedBatch } from '../../../lib/runtime/stream-batch.ts';

function rec(seq: string, image: Record<string, { S: string }> | undefined): DynamoDBRecord {
  return { eventName: 'INSERT', dynamodb: { SequenceNumber: seq, NewImage: image } };
}

describe('processGroupedBatch', () => {
  it('reports unparseable records and failed groups, and processes the rest', async () => {
    // Prepare
    const done: string[][] = [];
    const event = {
      Records: [
        rec('1', { issue: { S: 'a' }, v: { S: 'x' } }),
        rec('2', undefined),
        rec('3', { issue: { S: 'b' }, v: { S: 'y' } }),
        rec('4', { issue: { S: 'a' }, v: { S: 'z' } }),
      ],
    };

    // Act
    const res = await processGroupedBatch(event, {
      parse: (r) => newImage(r) as { issue: string; v: string },
      groupKey: (v) => v.issue,
      work: async (values, key) => {
        if (key === 'b') throw new Error('issue b is broken');
        done.push(values.map((v) => v.v));
      },
      log: silentLog,
    });

    // Assess
    expect(done).toEqual([['x', 'z']]);
    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['2', '3']);
  });

  it('reports nothing when every group succeeds', async () => {
    const res = await processGroupedBatch(
      { Records: [rec('1', { issue: { S: 'a' } })] },
      { parse: newImage, groupKey: () => 'g', work: async () => undefined, log: silentLog },
    );
    expect(res.batchItemFailures).toEqual([]);
  });
});
