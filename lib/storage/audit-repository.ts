/**
 * The audit trail of changes made through the API, per tenant, newest first. Entries expire after
 * 400 days (TTL), long enough to cover a full annual review.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors.ts';
import type { AuditRepository } from '../domain/ports.ts';
import type { TableRef } from './clients.ts';
import { DAY_SECONDS, withType } from './item-mappers.ts';
import { auditKey } from './keys.ts';
import {
  optStr,
  queryUpTo,
  requireId,
  requireIso,
  requireLimit,
  str,
} from './repository-support.ts';

const AUDIT_RETENTION_DAYS = 400;
const MAX_LIST = 1_000;

type AuditEntry = Parameters<AuditRepository['record']>[0];
type AuditView = Awaited<ReturnType<AuditRepository['list']>>[number];

function createAuditRepository(table: TableRef): AuditRepository {
  const { doc, tableName } = table;

  async function record(entry: AuditEntry): Promise<void> {
    requireId('tenant', entry.tenantId);
    const atMs = requireIso('at', entry.at);
    if (!entry.action || !entry.clientId) {
      throw new ValidationError('An audit entry needs an action and a client id');
    }
    // A random suffix keeps two entries of the same millisecond apart.
    const key = auditKey(entry.tenantId, entry.at, randomUUID());
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: withType('audit', key, {
          tenantId: entry.tenantId,
          clientId: entry.clientId,
          actor: entry.actor,
          at: entry.at,
          action: entry.action,
          target: entry.target,
          // JSON text: the change round-trips exactly, whatever its shape.
          change: entry.change === undefined ? undefined : JSON.stringify(entry.change),
          ttl: Math.floor(atMs / 1000) + AUDIT_RETENTION_DAYS * DAY_SECONDS,
        }),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async function list(tenantId: string, limit: number): Promise<AuditView[]> {
    requireId('tenant', tenantId);
    requireLimit(limit, MAX_LIST);
    const items = await queryUpTo(
      table,
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': auditKey(tenantId, '', '').pk },
        ScanIndexForward: false,
      },
      limit,
    );
    return items.map((item) => {
      const view: AuditView = {
        at: str(item, 'at'),
        clientId: str(item, 'clientId'),
        action: str(item, 'action'),
        target: str(item, 'target'),
      };
      const actor = optStr(item, 'actor');
      if (actor !== undefined) view.actor = actor;
      const change = optStr(item, 'change');
      if (change !== undefined) view.change = JSON.parse(change);
      return view;
    });
  }

  return { record, list };
}

export { AUDIT_RETENTION_DAYS, createAuditRepository };
