/** Alert subscribers, stored in their issue's partition. */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors.ts';
import type { SubscriberRepository } from '../domain/ports.ts';
import { ALERT_LEVELS, type Subscriber } from '../domain/types.ts';
import type { TableRef } from './clients.ts';
import { itemToSubscriber, subscriberToItem } from './item-mappers.ts';
import { issuePk, subscriberKey } from './keys.ts';
import { queryAll, requireId } from './repository-support.ts';

function createSubscriberRepository(table: TableRef): SubscriberRepository {
  const { doc, tableName } = table;

  async function list(issueId: string): Promise<Subscriber[]> {
    const items = await queryAll(table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': issuePk(issueId), ':prefix': 'SUB#' },
    });
    return items.map(itemToSubscriber);
  }

  async function add(subscriber: Subscriber): Promise<void> {
    requireId('tenant', subscriber.tenantId);
    requireId('issue', subscriber.issueId);
    requireId('subscriber', subscriber.id);
    if (subscriber.channel !== 'sms' && subscriber.channel !== 'email') {
      throw new ValidationError(`Unknown channel '${subscriber.channel}'`);
    }
    if (!ALERT_LEVELS.includes(subscriber.minLevel)) {
      throw new ValidationError(`Unknown alert level '${subscriber.minLevel}'`);
    }
    if (typeof subscriber.address !== 'string' || subscriber.address.length === 0) {
      throw new ValidationError('A subscriber needs an address');
    }
    // Adding the same subscriber again replaces it: the caller's latest settings win.
    await doc.send(new PutCommand({ TableName: tableName, Item: subscriberToItem(subscriber) }));
  }

  async function remove(issueId: string, subscriberId: string): Promise<boolean> {
    const res = await doc.send(
      new DeleteCommand({
        TableName: tableName,
        Key: subscriberKey(issueId, subscriberId),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return res.Attributes !== undefined;
  }

  return { list, add, remove };
}

export { createSubscriberRepository };
