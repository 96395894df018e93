/** Bucket reads for the detector and the trend charts; writes happen in MentionRepository. */

import { ValidationError } from '../domain/errors.ts';
import type { BucketRepository } from '../domain/ports.ts';
import { BUCKET_WIDTHS, type Bucket, type BucketWidth } from '../domain/types.ts';
import type { TableRef } from './clients.ts';
import { itemToBucket } from './item-mappers.ts';
import { bucketSk, issuePk } from './keys.ts';
import { queryAll, requireId, requireIso } from './repository-support.ts';

function createBucketRepository(table: TableRef): BucketRepository {
  async function query(
    issueId: string,
    width: BucketWidth,
    from: string,
    to: string,
  ): Promise<Bucket[]> {
    requireId('issue', issueId);
    if (!BUCKET_WIDTHS.includes(width)) {
      throw new ValidationError(`Unknown bucket width '${width}'`, { width });
    }
    const fromMs = requireIso('from', from);
    const toMs = requireIso('to', to);
    if (fromMs >= toMs) return [];
    // Starts are stored as toISOString(): normalise the bounds so string order is time order.
    const lower = bucketSk(width, new Date(fromMs).toISOString());
    const upper = bucketSk(width, new Date(toMs).toISOString());
    const items = await queryAll(table, {
      // BETWEEN is inclusive; the bucket starting exactly at `to` is dropped below.
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': issuePk(issueId), ':from': lower, ':to': upper },
      ScanIndexForward: true,
    });
    return items.filter((item) => item.sk !== upper).map(itemToBucket);
  }

  return { query };
}

export { createBucketRepository };
