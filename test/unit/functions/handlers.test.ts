import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../../functions/collect/handler.ts';
import { buildDetectHandler } from '../../../functions/detect/handler.ts';
import { buildScoreHandler } from '../../../functions/score/handler.ts';
import type { Mention } from '../../../lib/domain/types.ts';
import { silentLog } from '../../../lib/runtime/log.ts';

const record = (seq: string, image: Record<string, unknown> | undefined): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: {
    SequenceNumber: seq,
    NewImage: image ? (marshall(image, { removeUndefinedValues: true }) as never) : undefined,
  },
});

const mentionImage = (id: string) => ({
  entityType: 'mention',
  tenantId: 't1',
  issueId: 'i1',
  id,
  source: 'demo',
  sourceId: id,
  url: '',
  author: {},
  text: 'antre bbm lama',
  createdAt: '2026-11-29T01:00:00.000Z',
  lang: 'id',
  engagement: {},
});

describe('score handler', () => {
  it('scores the good records in one call and reports only the poison record', async () => {
    const batches: Mention[][] = [];
    const handler = buildScoreHandler({
      scoreMentions: async (mentions) => {
        batches.push(mentions);
        return { applied: mentions.length, alreadyScored: 0 };
      },
      log: silentLog,
    });
    const res = await handler({
      Records: [
        record('1', mentionImage('a')),
        record('2', { ...mentionImage('b'), createdAt: 'not a date' }),
        record('3', mentionImage('c')),
      ],
    });
    expect(batches.map((b) => b.map((m) => m.id))).toEqual([['a', 'c']]);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
  });

  it('fails every record when storing the scores fails, so the batch is retried', async () => {
    const handler = buildScoreHandler({
      scoreMentions: async () => {
        throw new Error('DynamoDB unavailable');
      },
      log: silentLog,
    });
    const res = await handler({
      Records: [record('1', mentionImage('a')), record('2', mentionImage('b'))],
    });
    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['1', '2']);
  });
});

describe('detect handler', () => {
  it('runs the detector per issue and fails only the records of a failing issue', async () => {
    const seen: string[] = [];
    const handler = buildDetectHandler({
      onBucketsChanged: async (changes) => {
        const issue = changes[0]?.issueId ?? '';
        seen.push(`${issue}:${changes.length}`);
        if (issue === 'broken') throw new Error('detector state conflict');
      },
      log: silentLog,
    });
    const bucket = (issueId: string, start: string) => ({
      entityType: 'bucket',
      width: '5m',
      tenantId: 't1',
      issueId,
      start,
    });
    const res = await handler({
      Records: [
        record('1', bucket('i1', '2026-11-29T01:00:00.000Z')),
        record('2', bucket('broken', '2026-11-29T01:00:00.000Z')),
        record('3', bucket('i1', '2026-11-29T01:05:00.000Z')),
        record('4', { entityType: 'bucket' }),
      ],
    });
    expect(seen.sort()).toEqual(['broken:1', 'i1:2']);
    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['2', '4']);
  });
});

describe('collect handler event', () => {
  it('accepts a known source and rejects anything else with a clear error', () => {
    expect(parseEvent({ source: 'rss' })).toEqual({ source: 'rss', forceBurst: false });
    expect(parseEvent({ source: 'demo', forceBurst: true })).toMatchObject({ forceBurst: true });
    expect(() => parseEvent({ source: 'friendster' })).toThrow(/source/);
    expect(() => parseEvent(null)).toThrow(/source/);
  });
});
