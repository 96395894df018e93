/** Health of each source (rate limits, quota, auth), one item per source in one partition. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors.ts';
import type { SourceStatusRepository } from '../domain/ports.ts';
import { SOURCE_NAMES, type SourceStatus } from '../domain/types.ts';
import type { TableRef } from './clients.ts';
import { itemToSourceStatus, sourceStatusToItem } from './item-mappers.ts';
import { sourceStatusKey } from './keys.ts';
import { queryAll } from './repository-support.ts';

function createSourceStatusRepository(table: TableRef): SourceStatusRepository {
  const { doc, tableName } = table;

  async function put(status: SourceStatus): Promise<void> {
    if (!SOURCE_NAMES.includes(status.source)) {
      throw new ValidationError(`Unknown source '${status.source}'`);
    }
    await doc.send(new PutCommand({ TableName: tableName, Item: sourceStatusToItem(status) }));
  }

  async function list(): Promise<SourceStatus[]> {
    // Every status shares the partition of any one of them.
    const { pk } = sourceStatusKey(SOURCE_NAMES[0] as SourceStatus['source']);
    const items = await queryAll(table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': 'STATUS#' },
    });
    return items.map(itemToSourceStatus);
  }

  return { put, list };
}

export { createSourceStatusRepository };
