/**
 * The API's rate limiter over the one table: a fixed one-minute window with one counter item per
 * tenant and one per client (within its tenant), each bumped by one UpdateItem ADD that returns
 * the new count. The two updates run in parallel, so a check costs one round trip, and every
 * Lambda instance counts into the same items. Items carry the table's TTL attribute and expire
 * after their window.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PantauError, ValidationError } from '../domain/errors.ts';
import type { RateLimiter } from '../domain/ports.ts';
import type { TableRef } from './clients.ts';
import { type EntityType, type Key, rateLimitKey } from './keys.ts';
import { TABLE_DEFINITION } from './table-definition.ts';

const WINDOW_MS = 60_000;
const ENTITY_TYPE: EntityType = 'rate-limit';
/**
 * TTL removes an item some time after `ttl`, never before. The margin past the window's end keeps
 * a late writer (an instance whose clock runs a little behind) from re-creating, at 1, a counter
 * that TTL just removed.
 */
const TTL_MARGIN_SECONDS = 300;
/** An instance forgets the keys it saw over their limit in past windows beyond this many. */
const MAX_REMEMBERED = 10_000;

interface RateLimits {
  /** Requests per minute of all of a tenant's clients together. */
  tenantPerMinute: number;
  /** Requests per minute of one client (token or app client) of a tenant. */
  clientPerMinute: number;
}

interface DynamoRateLimiterOptions {
  table: TableRef;
  limits: RateLimits;
  /**
   * How long the two updates may take before the check gives up with an AbortError (the API then
   * lets the request through). Default 1,000 ms. A warm UpdateItem takes a few ms, but the first
   * one of a cold instance also opens a TLS connection and warms the SDK, and a tighter budget
   * would fail open (and raise the failure metric) on cold starts. Give the limiter a client
   * without retries (maxAttempts 1), so only a hung connection ever waits this long: with
   * retries, the SDK's backoff on a throttled update spends the budget before failing.
   */
  timeoutMs?: number;
}

type Decision = Awaited<ReturnType<RateLimiter['hit']>>;

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ValidationError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function createDynamoRateLimiter(opts: DynamoRateLimiterOptions): RateLimiter {
  const tenantLimit = positiveInteger('tenantPerMinute', opts.limits.tenantPerMinute);
  const clientLimit = positiveInteger('clientPerMinute', opts.limits.clientPerMinute);
  const timeoutMs = positiveInteger('timeoutMs', opts.timeoutMs ?? 1_000);
  const { doc, tableName } = opts.table;
  const ttlAttribute = TABLE_DEFINITION.timeToLiveAttribute;
  /**
   * Keys this instance saw over their limit, with the window they were over in. Counts only grow
   * within a window, so until it ends the answer stays "no" and needs no round trip: a runaway
   * client then costs no writes, and it stops adding to its tenant's count, which its siblings
   * share. It also bounds the writes to one hot counter item at about its limit plus one per
   * instance per minute, far below a partition's 1,000 writes/s.
   */
  const overIn = new Map<string, number>();

  async function add(key: Key, ttl: number, signal: AbortSignal): Promise<number> {
    const out = await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'ADD #n :one SET #ttl = :ttl, entityType = :type',
        ExpressionAttributeNames: { '#n': 'n', '#ttl': ttlAttribute },
        ExpressionAttributeValues: { ':one': 1, ':ttl': ttl, ':type': ENTITY_TYPE },
        ReturnValues: 'UPDATED_NEW',
      }),
      { abortSignal: signal },
    );
    const n = out.Attributes?.n;
    if (typeof n !== 'number') {
      throw new PantauError('rate_limit_store', 'A rate-limit counter update returned no count');
    }
    return n;
  }

  function remember(key: string, windowStart: number): void {
    if (overIn.size >= MAX_REMEMBERED) {
      for (const [k, w] of overIn) if (w < windowStart) overIn.delete(k);
      // Still full within one window (more runaway clients than that at once): start over rather
      // than grow; the store still holds every count.
      if (overIn.size >= MAX_REMEMBERED) overIn.clear();
    }
    overIn.set(key, windowStart);
  }

  return {
    async hit(tenantId, clientId, now): Promise<Decision> {
      const t = now.getTime();
      const windowStart = t - (((t % WINDOW_MS) + WINDOW_MS) % WINDOW_MS);
      const resetAt = new Date(windowStart + WINDOW_MS);
      const tenantMemo = `T\n${tenantId}`;
      const clientMemo = `C\n${tenantId}\n${clientId}`;
      if (overIn.get(clientMemo) === windowStart) {
        return { allowed: false, limit: 'client', requestsPerMinute: clientLimit, resetAt };
      }
      if (overIn.get(tenantMemo) === windowStart) {
        return { allowed: false, limit: 'tenant', requestsPerMinute: tenantLimit, resetAt };
      }

      const windowIso = new Date(windowStart).toISOString();
      const ttl = Math.floor(resetAt.getTime() / 1000) + TTL_MARGIN_SECONDS;
      const signal = AbortSignal.timeout(timeoutMs);
      const [tenantCount, clientCount] = await Promise.all([
        add(rateLimitKey(windowIso, tenantId), ttl, signal),
        add(rateLimitKey(windowIso, tenantId, clientId), ttl, signal),
      ]);
      // A client over its own limit is told so first: that one it can act on by itself.
      if (clientCount > clientLimit) {
        remember(clientMemo, windowStart);
        return { allowed: false, limit: 'client', requestsPerMinute: clientLimit, resetAt };
      }
      if (tenantCount > tenantLimit) {
        remember(tenantMemo, windowStart);
        return { allowed: false, limit: 'tenant', requestsPerMinute: tenantLimit, resetAt };
      }
      return { allowed: true };
    },
  };
}

export type { DynamoRateLimiterOptions, RateLimits };
export { createDynamoRateLimiter };
