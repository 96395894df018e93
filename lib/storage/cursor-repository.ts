/** Collector cursors: where each source scope stopped, so the next run starts there. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors.ts';
import type { CursorRepository } from '../domain/ports.ts';
import type { SourceName } from '../domain/types.ts';
import type { TableRef } from './clients.ts';
import { withType } from './item-mappers.ts';
import { cursorKey } from './keys.ts';

const MAX_SCOPE_LENGTH = 1_024;

function requireScope(scope: string): void {
  if (typeof scope !== 'string' || scope.length === 0 || scope.length > MAX_SCOPE_LENGTH) {
    throw new ValidationError(`A cursor scope must be 1-${MAX_SCOPE_LENGTH} characters`);
  }
}

function createCursorRepository(
  table: TableRef,
  now: () => Date = () => new Date(),
): CursorRepository {
  const { doc, tableName } = table;

  async function get(
    source: SourceName,
    scope: string,
  ): Promise<Record<string, unknown> | undefined> {
    requireScope(scope);
    const res = await doc.send(
      new GetCommand({ TableName: tableName, Key: cursorKey(source, scope), ConsistentRead: true }),
    );
    const cursor = res.Item?.cursor;
    return cursor !== null && typeof cursor === 'object'
      ? (cursor as Record<string, unknown>)
      : undefined;
  }

  async function put(
    source: SourceName,
    scope: string,
    cursor: Record<string, unknown>,
  ): Promise<void> {
    requireScope(scope);
    if (cursor === null || typeof cursor !== 'object' || Array.isArray(cursor)) {
      throw new ValidationError('A cursor must be an object');
    }
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: withType('cursor', cursorKey(source, scope), {
          source,
          scope,
          cursor,
          updatedAt: now().toISOString(),
        }),
      }),
    );
  }

  return { get, put };
}

export { createCursorRepository };
