/**
 * Issues live in their tenant's partition, so another tenant's id simply is not there. Active
 * issues also sit in one GSI1 partition for the collectors.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import type { IssueRepository } from '../domain/ports.ts';
import type { Issue } from '../domain/types.ts';
import type { TableRef } from './clients.ts';
import { issueToItem, itemToIssue } from './item-mappers.ts';
import { ACTIVE_ISSUES_GSI1PK, issueKey, tenantPk } from './keys.ts';
import { isConditionalCheckFailed, queryAll, requireId } from './repository-support.ts';

function createIssueRepository(table: TableRef): IssueRepository {
  const { doc, tableName } = table;

  async function create(issue: Issue): Promise<void> {
    requireId('tenant', issue.tenantId);
    requireId('issue', issue.id);
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: issueToItem(issue),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) {
        throw new ConflictError(`Issue '${issue.id}' already exists`);
      }
      throw err;
    }
  }

  async function get(tenantId: string, issueId: string): Promise<Issue | undefined> {
    const res = await doc.send(
      new GetCommand({
        TableName: tableName,
        Key: issueKey(tenantId, issueId),
        ConsistentRead: true,
      }),
    );
    return res.Item ? itemToIssue(res.Item) : undefined;
  }

  async function list(tenantId: string): Promise<Issue[]> {
    const items = await queryAll(table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': tenantPk(tenantId), ':prefix': 'ISSUE#' },
    });
    return items.map(itemToIssue);
  }

  async function update(issue: Issue): Promise<void> {
    try {
      // A full Put: a paused issue is written without gsi1pk and so leaves the active index.
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: issueToItem(issue),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new NotFoundError(`Issue '${issue.id}'`);
      throw err;
    }
  }

  async function remove(tenantId: string, issueId: string): Promise<boolean> {
    const res = await doc.send(
      new DeleteCommand({
        TableName: tableName,
        Key: issueKey(tenantId, issueId),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return res.Attributes !== undefined;
  }

  async function listActive(): Promise<Issue[]> {
    const items = await queryAll(table, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': ACTIVE_ISSUES_GSI1PK },
    });
    // The index is eventually consistent: drop anything whose projected status is not active.
    return items.map(itemToIssue).filter((i) => i.status === 'active');
  }

  return { create, get, list, update, delete: remove, listActive };
}

export { createIssueRepository };
