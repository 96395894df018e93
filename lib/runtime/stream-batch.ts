/**
 * Partial-batch handling for DynamoDB stream consumers. Pantau's consumers aggregate a whole batch
 * (one bucket ADD per batch, one detector run per issue), which a per-record processor such as
 * Powertools' BatchProcessor cannot express, so this module does the bookkeeping: records that
 * cannot be parsed and groups whose work failed are reported as `batchItemFailures`; the rest of
 * the batch goes on. Lambda (and the local poller) then retry from the lowest failed sequence
 * number, bisect, and park what keeps failing in the dead-letter queue.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { errorMessage } from '../domain/errors.ts';
import type { Log } from './log.ts';

export interface ParsedRecord<T> {
  record: DynamoDBRecord;
  value: T;
}

/** The record's NewImage as a plain object; throws when there is none. */
function newImage(record: DynamoDBRecord): Record<string, unknown> {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new Error('Stream record has no NewImage');
  return unmarshall(image as Record<string, AttributeValue>);
}

function sequenceNumber(record: DynamoDBRecord): string {
  return record.dynamodb?.SequenceNumber ?? record.eventID ?? '';
}

/**
 * Parses every record, groups the parsed ones by `groupKey`, runs `work` per group, and reports the
 * records of failed parses and failed groups. `work` must be idempotent: retried records replay.
 */
async function processGroupedBatch<T>(
  event: DynamoDBStreamEvent,
  opts: {
    parse: (record: DynamoDBRecord) => T;
    groupKey: (value: T) => string;
    work: (values: T[], groupKey: string) => Promise<void>;
    log: Log;
  },
): Promise<DynamoDBBatchResponse> {
  const failed = new Set<string>();
  const groups = new Map<string, ParsedRecord<T>[]>();
  for (const record of event.Records ?? []) {
    try {
      const value = opts.parse(record);
      const key = opts.groupKey(value);
      const group = groups.get(key) ?? [];
      group.push({ record, value });
      groups.set(key, group);
    } catch (err) {
      failed.add(sequenceNumber(record));
      opts.log.error('Unparseable stream record', {
        sequenceNumber: sequenceNumber(record),
        eventName: record.eventName,
        error: errorMessage(err),
      });
    }
  }
  for (const [key, group] of groups) {
    try {
      await opts.work(
        group.map((g) => g.value),
        key,
      );
    } catch (err) {
      for (const g of group) failed.add(sequenceNumber(g.record));
      opts.log.error('Stream group failed; its records will be retried', {
        group: key,
        records: group.length,
        error: errorMessage(err),
      });
    }
  }
  return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
}

export { newImage, processGroupedBatch, sequenceNumber };
