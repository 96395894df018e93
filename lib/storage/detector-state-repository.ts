/**
 * The crisis detector's state per issue, written with an optimistic lock: two detect invocations
 * for one issue cannot both advance the baseline from the same version.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, ValidationError } from '../domain/errors.ts';
import type { DetectorStateRepository } from '../domain/ports.ts';
import type { TableRef } from './clients.ts';
import { withType } from './item-mappers.ts';
import { detectorKey } from './keys.ts';
import { isConditionalCheckFailed, num, requireId } from './repository-support.ts';

function createDetectorStateRepository(table: TableRef): DetectorStateRepository {
  const { doc, tableName } = table;

  async function get(issueId: string): Promise<{ state: unknown; version: number } | undefined> {
    const res = await doc.send(
      new GetCommand({ TableName: tableName, Key: detectorKey(issueId), ConsistentRead: true }),
    );
    if (!res.Item) return undefined;
    const raw = res.Item.state;
    // Stored as JSON text: the state round-trips exactly, whatever shape the detector gives it.
    const state = typeof raw === 'string' ? JSON.parse(raw) : raw;
    return { state, version: num(res.Item, 'version') };
  }

  async function put(issueId: string, state: unknown, expectedVersion: number): Promise<void> {
    requireId('issue', issueId);
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
      throw new ValidationError('expectedVersion must be a non-negative integer', {
        expectedVersion,
      });
    }
    const json = JSON.stringify(state ?? null);
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: withType('detector', detectorKey(issueId), {
            issueId,
            state: json,
            version: expectedVersion + 1,
          }),
          ConditionExpression:
            expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
          ExpressionAttributeNames: expectedVersion === 0 ? undefined : { '#version': 'version' },
          ExpressionAttributeValues:
            expectedVersion === 0 ? undefined : { ':expected': expectedVersion },
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) {
        throw new ConflictError(
          `Detector state of issue '${issueId}' is no longer at version ${expectedVersion}`,
        );
      }
      throw err;
    }
  }

  return { get, put };
}

export { createDetectorStateRepository };
