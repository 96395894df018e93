/**
 * Tenants and their API tokens. A token is stored twice in one transaction: by hash (the API
 * looks it up on every call) and under its tenant (listings and revocation), so both reads are
 * strongly consistent and never need an index.
 */
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors.ts';
import type { ApiToken, TenantRepository } from '../domain/ports.ts';
import type { Tenant } from '../domain/types.ts';
import type { TableRef } from './clients.ts';
import {
  itemToTenant,
  itemToToken,
  TENANT_TOKEN_PREFIX,
  TENANTS_GSI1PK,
  tenantToItem,
  tenantTokenKey,
  tenantTokenToItem,
  tokenToItem,
} from './item-mappers.ts';
import { tenantKey, tokenKey } from './keys.ts';
import {
  cancellationReasons,
  type Item,
  queryAll,
  requireId,
  withRetry,
} from './repository-support.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;

function createTenantRepository(table: TableRef): TenantRepository {
  const { doc, tableName } = table;

  async function put(tenant: Tenant): Promise<void> {
    requireId('tenant', tenant.id);
    await doc.send(new PutCommand({ TableName: tableName, Item: tenantToItem(tenant) }));
  }

  async function get(tenantId: string): Promise<Tenant | undefined> {
    const res = await doc.send(new GetCommand({ TableName: tableName, Key: tenantKey(tenantId) }));
    return res.Item ? itemToTenant(res.Item) : undefined;
  }

  async function list(): Promise<Tenant[]> {
    const items = await queryAll(table, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': TENANTS_GSI1PK },
    });
    return items.map(itemToTenant);
  }

  async function putToken(token: ApiToken): Promise<void> {
    requireId('tenant', token.tenantId);
    requireId('token', token.id);
    if (!SHA256_HEX.test(token.hash)) {
      throw new ValidationError('Token hash must be the lowercase SHA-256 hex of the secret');
    }
    await withRetry(() =>
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: tokenToItem(token) } },
            { Put: { TableName: tableName, Item: tenantTokenToItem(token) } },
          ],
        }),
      ),
    );
  }

  async function getToken(hash: string): Promise<ApiToken | undefined> {
    if (!SHA256_HEX.test(hash)) return undefined;
    const res = await doc.send(
      new GetCommand({ TableName: tableName, Key: tokenKey(hash), ConsistentRead: true }),
    );
    return res.Item ? itemToToken(res.Item) : undefined;
  }

  async function listTokens(tenantId: string): Promise<ApiToken[]> {
    const items = await queryAll(table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': tenantKey(tenantId).pk, ':prefix': TENANT_TOKEN_PREFIX },
    });
    return items.map(itemToToken);
  }

  async function revokeToken(tenantId: string, tokenId: string, at: string): Promise<boolean> {
    const res = await doc.send(
      new GetCommand({
        TableName: tableName,
        Key: tenantTokenKey(tenantId, tokenId),
        ConsistentRead: true,
      }),
    );
    const index = res.Item as Item | undefined;
    if (!index || typeof index.hash !== 'string') return false;
    // The first revocation time stands; revoking again is a no-op that still answers true.
    const update = (key: { pk: string; sk: string }) => ({
      Update: {
        TableName: tableName,
        Key: key,
        UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
        ConditionExpression: 'attribute_exists(pk) AND tenantId = :tenant',
        ExpressionAttributeValues: { ':at': at, ':tenant': tenantId },
      },
    });
    try {
      await withRetry(() =>
        doc.send(
          new TransactWriteCommand({
            TransactItems: [
              update(tokenKey(index.hash as string)),
              update(tenantTokenKey(tenantId, tokenId)),
            ],
          }),
        ),
      );
      return true;
    } catch (err) {
      const reasons = cancellationReasons(err);
      // Deleted between the read and the write: nothing left to revoke.
      if (reasons?.some((r) => r.Code === 'ConditionalCheckFailed')) return false;
      throw err;
    }
  }

  return { put, get, list, putToken, getToken, listTokens, revokeToken };
}

export { createTenantRepository };
