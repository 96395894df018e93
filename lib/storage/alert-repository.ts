/**
 * Alerts: one item per (issue, episode, level), so a retried detect invocation cannot raise the
 * same level of the same episode twice. GSI1 lists a tenant's alerts newest first.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import type { AlertRepository } from '../domain/ports.ts';
import { ALERT_LEVELS, type Alert, type AlertStatus } from '../domain/types.ts';
import type { TableRef } from './clients.ts';
import { alertKeyOf, alertToItem, itemToAlert } from './item-mappers.ts';
import { decodeAlertId, issuePk, tenantAlertsGsi1pk } from './keys.ts';
import {
  type Item,
  isConditionalCheckFailed,
  putIfAbsent,
  queryUpTo,
  requireId,
  requireIso,
  requireLimit,
} from './repository-support.ts';

const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'resolved'];
const MAX_LIST = 500;

const byRaisedDesc = (a: Alert, b: Alert) =>
  a.raisedAt < b.raisedAt ? 1 : a.raisedAt > b.raisedAt ? -1 : 0;

function createAlertRepository(table: TableRef): AlertRepository {
  const { doc, tableName } = table;

  async function create(alert: Alert): Promise<boolean> {
    requireId('tenant', alert.tenantId);
    requireId('issue', alert.issueId);
    requireIso('episodeStart', alert.episodeStart);
    requireIso('raisedAt', alert.raisedAt);
    if (!ALERT_LEVELS.includes(alert.level)) {
      throw new ValidationError(`Unknown alert level '${alert.level}'`, { level: alert.level });
    }
    return putIfAbsent({ doc, tableName }, alertToItem(alert));
  }

  async function get(alertId: string): Promise<Alert | undefined> {
    const decoded = decodeAlertId(alertId);
    if (!decoded) return undefined;
    const res = await doc.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: issuePk(decoded.issueId), sk: decoded.sk },
        ConsistentRead: true,
      }),
    );
    return res.Item ? itemToAlert(res.Item) : undefined;
  }

  async function markNotified(alert: Alert, at: string): Promise<void> {
    requireIso('at', at);
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: alertKeyOf(alert),
          UpdateExpression: 'SET notifiedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND tenantId = :tenant',
          ExpressionAttributeValues: { ':at': at, ':tenant': alert.tenantId },
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new NotFoundError('Alert');
      throw err;
    }
  }

  async function markDelivered(alert: Alert, parts: readonly string[]): Promise<void> {
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: alertKeyOf(alert),
          // Only the lease holder delivers, so the caller's union with what it read is current.
          UpdateExpression: 'SET deliveredParts = :parts',
          ConditionExpression: 'attribute_exists(pk) AND tenantId = :tenant',
          ExpressionAttributeValues: { ':parts': [...new Set(parts)], ':tenant': alert.tenantId },
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new NotFoundError('Alert');
      throw err;
    }
  }

  async function listByIssue(issueId: string, limit: number): Promise<Alert[]> {
    requireId('issue', issueId);
    requireLimit(limit, MAX_LIST);
    const items = await queryUpTo(
      table,
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': issuePk(issueId), ':prefix': 'ALERT#' },
        ScanIndexForward: false,
      },
      limit,
    );
    // Sort keys order by episode; within an episode the escalations are ordered by time here.
    return items.map(itemToAlert).sort(byRaisedDesc);
  }

  async function listByTenant(
    tenantId: string,
    status: AlertStatus | undefined,
    limit: number,
  ): Promise<Alert[]> {
    requireId('tenant', tenantId);
    requireLimit(limit, MAX_LIST);
    if (status !== undefined && !ALERT_STATUSES.includes(status)) {
      throw new ValidationError(`Unknown alert status '${status}'`, { status });
    }
    const items = await queryUpTo(
      table,
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        FilterExpression: status ? '#status = :status' : undefined,
        ExpressionAttributeNames: status ? { '#status': 'status' } : undefined,
        ExpressionAttributeValues: {
          ':pk': tenantAlertsGsi1pk(tenantId),
          ...(status ? { ':status': status } : {}),
        },
        ScanIndexForward: false,
      },
      limit,
    );
    return items.map(itemToAlert);
  }

  async function setStatus(
    alert: Alert,
    status: AlertStatus,
    by: string,
    at: string,
    note: string | undefined,
  ): Promise<Alert> {
    if (!ALERT_STATUSES.includes(status)) {
      throw new ValidationError(`Unknown alert status '${status}'`, { status });
    }
    requireIso('at', at);
    const sets = ['#status = :status'];
    const values: Item = { ':status': status, ':tenant': alert.tenantId };
    if (status === 'acknowledged') {
      sets.push('acknowledgedAt = :at', 'acknowledgedBy = :by');
    } else if (status === 'resolved') {
      sets.push('resolvedAt = :at', 'resolvedBy = :by');
    }
    if (status !== 'open') {
      values[':at'] = at;
      values[':by'] = by;
    }
    if (note !== undefined) {
      sets.push('note = :note');
      values[':note'] = note;
    }
    try {
      const res = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: alertKeyOf(alert),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk) AND tenantId = :tenant',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return itemToAlert(res.Attributes as Item);
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new NotFoundError('Alert');
      throw err;
    }
  }

  return { create, get, markNotified, markDelivered, listByIssue, listByTenant, setStatus };
}

export { createAlertRepository };
