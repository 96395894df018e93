/**
 * Health of each source (rate limits, quota, auth), one item per source in one partition.
 *
 * A fanned-out collect run has several shards, each reporting its own counts at its end, often at
 * the same time. The stored counts are the run's: a shard of the stored run adds to them with an
 * atomic ADD, a shard of a later run replaces them. The branch is chosen from a consistent read,
 * and the update is conditional on that very branch (run id relation, and whether a stop is
 * stored), so a concurrent writer makes it fail and it is chosen again: no count is computed from
 * what was read, so none is lost.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, ValidationError } from '../domain/errors.ts';
import type { SourceStatusPutOptions, SourceStatusRepository } from '../domain/ports.ts';
import { SOURCE_NAMES, type SourceStatus } from '../domain/types.ts';
import type { TableRef } from './clients.ts';
import { itemToSourceStatus, sourceStatusToItem } from './item-mappers.ts';
import { sourceStatusKey } from './keys.ts';
import { type Item, isConditionalCheckFailed, queryAll, requireIso } from './repository-support.ts';

/** Health values that stop the source until `until`. */
const STOPS = ['rate-limited', 'quota-exhausted'] as const;
/** Health values a shard of an earlier run still records: they are about the credential, now. */
const CREDENTIAL_STOPS = new Set(['rate-limited', 'quota-exhausted', 'auth-failed']);
const HEALTH = new Set(['ok', 'rate-limited', 'quota-exhausted', 'auth-failed', 'error']);
/** Health values of a shard whose every scope failed, without a stop to wait out. */
const FAILURES = new Set(['error', 'auth-failed']);
/**
 * `<ISO start, UTC, ms>~<suffix>` (the collect pipeline's newRunId): ids compare as strings in
 * the order the runs started, which is what tells a later run from a late shard of an earlier one.
 */
const RUN_ID = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z~[\x21-\x7e]{1,64}$/;
/**
 * Each failed attempt means another writer changed the branch in between (a new run started, or
 * the first shard of this run got in first); more than a few in a row is not contention.
 */
const MAX_ATTEMPTS = 8;

type Relation = 'same' | 'later' | 'earlier';

interface Update {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

function requireCount(field: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ValidationError(`Source status ${field} must be an integer >= ${min}`, {
      [field]: value,
    });
  }
}

/** Validates, and puts times in the one ISO form so they compare as strings in DynamoDB. */
function normalized(status: SourceStatus): SourceStatus {
  if (!SOURCE_NAMES.includes(status.source)) {
    throw new ValidationError(`Unknown source '${status.source}'`);
  }
  if (!HEALTH.has(status.status)) {
    throw new ValidationError(`Unknown source health '${String(status.status)}'`);
  }
  requireCount('postsSeen', status.postsSeen, 0);
  requireCount('mentionsWritten', status.mentionsWritten, 0);
  if (status.shards !== undefined) requireCount('shards', status.shards, 1);
  if (status.shardsPlanned !== undefined) requireCount('shardsPlanned', status.shardsPlanned, 1);
  if (status.expectedEveryMinutes !== undefined) {
    requireCount('expectedEveryMinutes', status.expectedEveryMinutes, 1);
  }
  if (
    status.runId !== undefined &&
    (typeof status.runId !== 'string' || !RUN_ID.test(status.runId))
  ) {
    throw new ValidationError('Source status runId must be "<ISO-8601 UTC with ms>~<suffix>"', {
      runId: status.runId,
    });
  }
  const iso = (field: string, v: string) => new Date(requireIso(field, v)).toISOString();
  return {
    ...status,
    lastRunAt: iso('lastRunAt', status.lastRunAt),
    ...(status.until !== undefined ? { until: iso('until', status.until) } : {}),
  };
}

function relationOf(stored: Item | undefined, runId: string): Relation {
  const storedRun = stored?.runId;
  // An id that does not order by time (none, or not ours) must not hold the counts forever.
  if (typeof storedRun !== 'string' || !RUN_ID.test(storedRun) || storedRun < runId) {
    return 'later';
  }
  return storedRun === runId ? 'same' : 'earlier';
}

/** Same predicate as the `#status IN (...) AND #until > :now` condition below. */
function stopsAt(s: { status?: unknown; until?: unknown }, now: string): boolean {
  return (
    STOPS.includes(s.status as (typeof STOPS)[number]) &&
    typeof s.until === 'string' &&
    s.until > now
  );
}

/**
 * The conditional update that records `s` given what is stored, or undefined when there is nothing
 * to record (a shard of an earlier run that ended without a stop).
 */
function updateFor(s: SourceStatus, stored: Item | undefined, now?: string): Update | undefined {
  const runId = s.runId as string;
  const relation = relationOf(stored, runId);
  if (relation === 'earlier' && !CREDENTIAL_STOPS.has(s.status)) return undefined;

  const names: Record<string, string> = {
    '#runId': 'runId',
    '#status': 'status',
    '#until': 'until',
    '#lastError': 'lastError',
  };
  const values: Record<string, unknown> = { ':run': runId };
  const storedRun = stored?.runId;
  const foreign =
    storedRun !== undefined && !(typeof storedRun === 'string' && RUN_ID.test(storedRun));
  if (foreign) values[':foreignRun'] = storedRun;
  const set: string[] = [];
  const remove: string[] = [];
  const add: string[] = [];
  const conditions: string[] = [
    relation === 'same'
      ? '#runId = :run'
      : relation === 'later'
        ? `(attribute_not_exists(#runId) OR #runId < :run${foreign ? ' OR #runId = :foreignRun' : ''})`
        : '#runId > :run',
  ];
  const field = (name: string, value: unknown, mode: 'set' | 'add' = 'set') => {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    (mode === 'add' ? add : set).push(mode === 'add' ? `#${name} :${name}` : `#${name} = :${name}`);
  };

  // A shard that ended without a stop of its own keeps a stop a concurrent shard stored.
  let keepStop = false;
  if (now !== undefined && !stopsAt(s, now)) {
    keepStop = stored !== undefined && stopsAt(stored, now);
    values[':rl'] = STOPS[0];
    values[':qe'] = STOPS[1];
    values[':now'] = now;
    const stopStored = '#status IN (:rl, :qe) AND #until > :now';
    conditions.push(keepStop ? `(${stopStored})` : `NOT (${stopStored})`);
  }
  // Within a run, `error` and `auth-failed` mean every shard so far failed, as they mean every
  // scope failed within one shard: a shard that failed keeps the `ok` of one that ended well and
  // leaves only its `lastError`. And the run's last failure stays in `lastError` while the run
  // lasts, so one failed shard among sixteen is not hidden behind the fifteen that ended well.
  let keepOk = false;
  if (!keepStop && relation === 'same' && FAILURES.has(s.status)) {
    keepOk = stored?.status === 'ok';
    values[':ok'] = 'ok';
    conditions.push(keepOk ? '#status = :ok' : '(attribute_not_exists(#status) OR #status <> :ok)');
  }
  const keepStatus = keepStop || keepOk;
  if (!keepStatus) {
    field('status', s.status);
    if (s.until !== undefined) field('until', s.until);
    else remove.push('#until');
  }
  if (s.lastError !== undefined) field('lastError', s.lastError);
  // A new run starts without the last one's error; within a run it stays.
  else if (!keepStop && relation !== 'same') remove.push('#lastError');

  if (relation !== 'earlier') {
    field('source', s.source);
    field('entityType', 'source-status');
    field('lastRunAt', s.lastRunAt);
    const mode = relation === 'same' ? 'add' : 'set';
    field('postsSeen', s.postsSeen, mode);
    field('mentionsWritten', s.mentionsWritten, mode);
    field('shards', s.shards ?? 1, mode);
    if (relation === 'later') set.push('#runId = :run');
    if (s.shardsPlanned !== undefined) field('shardsPlanned', s.shardsPlanned);
    else if (relation === 'later') {
      names['#shardsPlanned'] = 'shardsPlanned';
      remove.push('#shardsPlanned');
    }
    // The schedule of the latest writer: a changed schedule shows from its first run on.
    if (s.expectedEveryMinutes !== undefined) {
      field('expectedEveryMinutes', s.expectedEveryMinutes);
    } else if (relation === 'later') {
      names['#expectedEveryMinutes'] = 'expectedEveryMinutes';
      remove.push('#expectedEveryMinutes');
    }
  }

  const clauses = [
    set.length > 0 ? `SET ${set.join(', ')}` : '',
    remove.length > 0 ? `REMOVE ${remove.join(', ')}` : '',
    add.length > 0 ? `ADD ${add.join(', ')}` : '',
  ];
  if (set.length + remove.length + add.length === 0) return undefined;
  // DynamoDB rejects names and values that the expressions do not use.
  const expression = `${clauses.join(' ')} ${conditions.join(' AND ')}`;
  const used = ([k]: [string, unknown]) => new RegExp(`${k}(?![A-Za-z0-9_])`).test(expression);
  return {
    UpdateExpression: clauses.filter(Boolean).join(' '),
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: Object.fromEntries(Object.entries(names).filter(used)) as Record<
      string,
      string
    >,
    ExpressionAttributeValues: Object.fromEntries(Object.entries(values).filter(used)),
  };
}

function createSourceStatusRepository(table: TableRef): SourceStatusRepository {
  const { doc, tableName } = table;

  async function put(status: SourceStatus, opts: SourceStatusPutOptions = {}): Promise<void> {
    const s = normalized(status);
    const now =
      opts.now === undefined ? undefined : new Date(requireIso('now', opts.now)).toISOString();
    if (s.runId === undefined) {
      // Not part of a run: stored as it is, replacing whatever was there.
      await doc.send(new PutCommand({ TableName: tableName, Item: sourceStatusToItem(s) }));
      return;
    }
    const Key = sourceStatusKey(s.source);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { Item: stored } = await doc.send(
        new GetCommand({ TableName: tableName, Key, ConsistentRead: true }),
      );
      const update = updateFor(s, stored, now);
      if (!update) return;
      try {
        await doc.send(new UpdateCommand({ TableName: tableName, Key, ...update }));
        return;
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
    }
    throw new ConflictError(
      `Source status of ${s.source} (run ${s.runId}) changed under ${MAX_ATTEMPTS} attempts in a row; not recorded`,
    );
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
