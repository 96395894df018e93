/**
 * What every repository shares: the table reference, paging helpers, condition-failure checks and
 * the bounded retry used around transactions.
 */
import { PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors.ts';
import type { TableRef } from './clients.ts';

export type Item = Record<string, unknown>;

/** Ids become key parts joined by '#' and are decoded from public ids: keep them plain. */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

function requireId(kind: string, id: string): void {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new ValidationError(`${kind} id must be 1-128 characters of A-Z, a-z, 0-9, '_' or '-'`, {
      [kind]: id,
    });
  }
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function requireIso(field: string, value: string): number {
  const ms = typeof value === 'string' && ISO_UTC.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new ValidationError(`${field} must be an ISO-8601 UTC timestamp`, { [field]: value });
  }
  return ms;
}

function requireLimit(limit: number, max: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new ValidationError(`limit must be an integer from 1 to ${max}`, { limit });
  }
}

/**
 * Drops undefined values at every depth, so items marshal the same whether or not the injected
 * client was built with `removeUndefinedValues`.
 */
function compact<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.filter((v) => v !== undefined).map((v) => compact(v)) as T;
  }
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[k] = compact(v);
    }
    return out as T;
  }
  return value;
}

function errorName(err: unknown): string | undefined {
  return err !== null && typeof err === 'object' && 'name' in err && typeof err.name === 'string'
    ? err.name
    : undefined;
}

function isConditionalCheckFailed(err: unknown): boolean {
  return errorName(err) === 'ConditionalCheckFailedException';
}

interface CancellationReason {
  Code?: string;
  Message?: string;
}

/** The per-action reasons of a cancelled transaction, or undefined for any other error. */
function cancellationReasons(err: unknown): CancellationReason[] | undefined {
  if (errorName(err) !== 'TransactionCanceledException') return undefined;
  const reasons = (err as { CancellationReasons?: CancellationReason[] }).CancellationReasons;
  return Array.isArray(reasons) ? reasons : [];
}

/** Reasons worth another attempt: contention and capacity, never a bad request. */
const TRANSIENT_CODES = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);
const TRANSIENT_ERRORS = new Set([
  'TransactionConflictException',
  'TransactionInProgressException',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
]);

function isTransient(err: unknown): boolean {
  const name = errorName(err);
  if (name && TRANSIENT_ERRORS.has(name)) return true;
  const reasons = cancellationReasons(err);
  return (reasons ?? []).some((r) => r.Code !== undefined && TRANSIENT_CODES.has(r.Code));
}

const RETRY_ATTEMPTS = 5;
const RETRY_BASE_MS = 50;
const RETRY_CAP_MS = 1_000;

/** Capped exponential backoff with full jitter. */
function backoffMs(attempt: number): number {
  return Math.random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `op`, retrying transient failures a few times; the last failure is rethrown. */
async function withRetry<T>(op: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (attempt + 1 >= RETRY_ATTEMPTS || !isTransient(err)) throw err;
      await sleep(backoffMs(attempt));
    }
  }
}

/** Every page of a Query (for small, bounded partitions: issues, subscribers, buckets). */
async function queryAll(
  table: TableRef,
  input: Omit<QueryCommandInput, 'TableName'>,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await table.doc.send(
      new QueryCommand({ ...input, TableName: table.tableName, ExclusiveStartKey: start }),
    );
    items.push(...((res.Items ?? []) as Item[]));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * Up to `limit` items of a Query with a FilterExpression: filtered pages come back short, so keep
 * reading, but at most `maxPages` requests.
 */
async function queryUpTo(
  table: TableRef,
  input: Omit<QueryCommandInput, 'TableName'>,
  limit: number,
  maxPages = 20,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  let pages = 0;
  do {
    const res = await table.doc.send(
      new QueryCommand({
        ...input,
        TableName: table.tableName,
        ExclusiveStartKey: start,
        Limit: input.FilterExpression ? Math.max(limit, 100) : limit - items.length,
      }),
    );
    items.push(...((res.Items ?? []) as Item[]));
    start = res.LastEvaluatedKey;
    pages++;
  } while (start && items.length < limit && pages < maxPages);
  return items.slice(0, limit);
}

const str = (item: Item, field: string): string => {
  const v = item[field];
  return typeof v === 'string' ? v : '';
};

const optStr = (item: Item, field: string): string | undefined => {
  const v = item[field];
  return typeof v === 'string' ? v : undefined;
};

const num = (item: Item, field: string): number => {
  const v = item[field];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
};

/** Writes an item only if its key is new; false (not an error) when it already exists. */
async function putIfAbsent(ref: TableRef, item: Item): Promise<boolean> {
  try {
    await ref.doc.send(
      new PutCommand({
        TableName: ref.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (err) {
    if (isConditionalCheckFailed(err)) return false;
    throw err;
  }
}

export type { CancellationReason };
export {
  backoffMs,
  cancellationReasons,
  compact,
  isConditionalCheckFailed,
  isTransient,
  num,
  optStr,
  putIfAbsent,
  queryAll,
  queryUpTo,
  requireId,
  requireIso,
  requireLimit,
  sleep,
  str,
  withRetry,
};
