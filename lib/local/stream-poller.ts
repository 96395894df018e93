/**
 * The local stand-in for Lambda's DynamoDB event source mapping: reads the table's stream from
 * DynamoDB Local and invokes a handler with Lambda-shaped batches. Like the real mapping it
 * applies event filters, batch size and batching window, honours `batchItemFailures` (retrying
 * from the lowest failed sequence number), bisects a failing batch, bounds retries and parks what
 * still fails in a dead-letter file. Each mapping reads each shard on its own, so a stuck consumer
 * never holds up the other (the two-consumers-per-shard design of the stack).
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { errorMessage } from '../domain/errors.ts';
import type { Log } from '../runtime/log.ts';
import { type Pattern, passesFilters } from './event-filter.ts';

export interface EventSourceMapping {
  name: string;
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
  filters: Pattern[];
  batchSize: number;
  batchingWindowMs: number;
  /** Retries of a failing record before it is parked (Lambda's MaximumRetryAttempts). */
  maxRetries: number;
  bisectOnError: boolean;
  /** JSON-lines file where parked records go (the on-failure destination). */
  deadLetterFile: string;
}

export interface StreamPollerOptions {
  client: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  region?: string;
  mappings: EventSourceMapping[];
  /** Where read positions are kept across restarts; none keeps them in memory only. */
  checkpointFile?: string;
  pollIntervalMs?: number;
  /** Base delay between retries of a failed batch. */
  retryDelayMs?: number;
  log: Log;
}

export interface StreamPollers {
  stop(): Promise<void>;
  /** Resolves once every reader has caught up with the stream and delivered everything. */
  whenIdle(timeoutMs?: number): Promise<void>;
  stats(): Record<string, { delivered: number; batches: number; parked: number; retries: number }>;
}

type Checkpoints = Record<string, string>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An iterator that no retry can revive: expired (15 minutes in DynamoDB) or pointing before the
 * oldest record still kept (DynamoDB Local also says so of an iterator taken on a fresh stream).
 */
function isDeadIterator(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'ExpiredIteratorException' || name === 'TrimmedDataAccessException';
}

/** SDK stream records carry Dates; Lambda events carry epoch seconds and the stream ARN. */
function toLambdaRecord(r: _Record, streamArn: string, region: string): DynamoDBRecord {
  const d = r.dynamodb ?? {};
  const created = d.ApproximateCreationDateTime;
  return {
    eventID: r.eventID,
    eventName: r.eventName as DynamoDBRecord['eventName'],
    eventVersion: r.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: r.awsRegion ?? region,
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime:
        created instanceof Date ? Math.floor(created.getTime() / 1000) : undefined,
      Keys: d.Keys as never,
      NewImage: d.NewImage as never,
      OldImage: d.OldImage as never,
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType as never,
    },
  };
}

async function startStreamPollers(opts: StreamPollerOptions): Promise<StreamPollers> {
  const { client, streams, tableName, log } = opts;
  const region = opts.region ?? 'ap-southeast-3';
  const pollIntervalMs = opts.pollIntervalMs ?? 250;
  const retryDelayMs = opts.retryDelayMs ?? 200;
  const table = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const latestStreamArn = table.Table?.LatestStreamArn;
  if (!latestStreamArn) throw new Error(`Table ${tableName} has no stream`);
  const streamArn: string = latestStreamArn;

  let checkpoints: Checkpoints = {};
  if (opts.checkpointFile) {
    try {
      checkpoints = JSON.parse(await readFile(opts.checkpointFile, 'utf8')) as Checkpoints;
    } catch {
      checkpoints = {};
    }
  }
  let checkpointWrite: Promise<void> = Promise.resolve();
  const saveCheckpoint = (key: string, seq: string) => {
    checkpoints[key] = seq;
    const file = opts.checkpointFile;
    if (!file) return;
    const snapshot = JSON.stringify(checkpoints);
    checkpointWrite = checkpointWrite
      .then(() => mkdir(dirname(file), { recursive: true }))
      .then(() => writeFile(file, snapshot))
      .catch((err: unknown) => log.warn('Checkpoint not saved', { error: errorMessage(err) }));
  };

  type MappingStats = { delivered: number; batches: number; parked: number; retries: number };
  const stats = new Map<string, MappingStats>();
  const statsOf = (m: EventSourceMapping): MappingStats => {
    let entry = stats.get(m.name);
    if (!entry) {
      entry = { delivered: 0, batches: 0, parked: 0, retries: 0 };
      stats.set(m.name, entry);
    }
    return entry;
  };
  for (const m of opts.mappings) statsOf(m);

  let running = true;
  const readers = new Map<string, { done: boolean; idle: boolean; task: Promise<void> }>();

  async function park(m: EventSourceMapping, records: DynamoDBRecord[], reason: string) {
    statsOf(m).parked += records.length;
    await mkdir(dirname(m.deadLetterFile), { recursive: true });
    const lines = records.map((record) =>
      JSON.stringify({
        mapping: m.name,
        parkedAt: new Date().toISOString(),
        reason,
        sequenceNumber: record.dynamodb?.SequenceNumber,
        record,
      }),
    );
    await appendFile(m.deadLetterFile, `${lines.join('\n')}\n`);
    log.error('Parked stream records in the dead-letter file', {
      mapping: m.name,
      records: records.length,
      reason,
    });
  }

  /** One invocation; returns the index of the first record to retry, or -1 when all succeeded. */
  async function invoke(m: EventSourceMapping, records: DynamoDBRecord[]): Promise<number> {
    try {
      const res = await m.handler({ Records: records });
      const failures = res?.batchItemFailures ?? [];
      if (failures.length === 0) return -1;
      const ids = new Set(failures.map((f) => f.itemIdentifier));
      const idx = records.findIndex((r) => ids.has(r.dynamodb?.SequenceNumber ?? ''));
      // An identifier that names no record of the batch fails the whole batch, as in Lambda.
      return idx === -1 ? 0 : idx;
    } catch (err) {
      log.warn('Stream handler threw; the whole batch fails', {
        mapping: m.name,
        error: errorMessage(err),
      });
      return 0;
    }
  }

  async function deliver(m: EventSourceMapping, records: DynamoDBRecord[], attempt = 0) {
    if (records.length === 0) return;
    statsOf(m).batches += 1;
    const failedAt = await invoke(m, records);
    if (failedAt === -1) {
      statsOf(m).delivered += records.length;
      return;
    }
    statsOf(m).delivered += failedAt;
    const rest = records.slice(failedAt);
    if (m.bisectOnError && rest.length > 1) {
      // Halving does not use up retries, so a poison record is always isolated before it parks.
      const mid = Math.ceil(rest.length / 2);
      await deliver(m, rest.slice(0, mid), attempt);
      await deliver(m, rest.slice(mid), attempt);
      return;
    }
    if (attempt >= m.maxRetries) {
      await park(m, rest, `failed after ${attempt + 1} attempts`);
      return;
    }
    statsOf(m).retries += 1;
    await sleep(Math.min(retryDelayMs * 2 ** attempt, 5000));
    await deliver(m, rest, attempt + 1);
  }

  async function readShard(
    m: EventSourceMapping,
    shard: Shard,
    key: string,
    state: { done: boolean; idle: boolean },
  ) {
    const iteratorAfter = async (seq: string | undefined) => {
      const it = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: seq ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
          SequenceNumber: seq,
        }),
      );
      return it.ShardIterator;
    };
    let iterator = await iteratorAfter(checkpoints[key]);
    let buffer: DynamoDBRecord[] = [];
    let bufferSince = 0;
    let lastSeq: string | undefined;
    const flush = async () => {
      while (buffer.length > 0) {
        const batch = buffer.slice(0, m.batchSize);
        buffer = buffer.slice(batch.length);
        await deliver(m, batch);
      }
      if (lastSeq) saveCheckpoint(key, lastSeq);
    };
    while (running && iterator) {
      let res: GetRecordsCommandOutput;
      try {
        res = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      } catch (err) {
        if (!running) return;
        log.warn('GetRecords failed; retrying', { mapping: m.name, error: errorMessage(err) });
        await sleep(1000);
        if (isDeadIterator(err)) {
          // Retrying a dead iterator fails forever: take a new one after the last record read
          // (buffered records stay buffered), or from the oldest record when that one is gone.
          const from = lastSeq ?? checkpoints[key];
          const stale = iterator;
          iterator = await iteratorAfter(from)
            .catch((again: unknown) => {
              if (from && isDeadIterator(again)) return iteratorAfter(undefined);
              throw again;
            })
            .catch((renewErr: unknown) => {
              log.warn('New shard iterator failed; retrying', {
                mapping: m.name,
                error: errorMessage(renewErr),
              });
              return stale;
            });
        }
        continue;
      }
      const records = res.Records ?? [];
      for (const r of records) {
        const lambdaRecord = toLambdaRecord(r, streamArn, region);
        lastSeq = lambdaRecord.dynamodb?.SequenceNumber ?? lastSeq;
        if (passesFilters(m.filters, lambdaRecord)) {
          if (buffer.length === 0) bufferSince = Date.now();
          buffer.push(lambdaRecord);
        }
      }
      iterator = res.NextShardIterator;
      const windowOver = Date.now() - bufferSince >= m.batchingWindowMs;
      if (buffer.length >= m.batchSize || (buffer.length > 0 && (windowOver || !iterator))) {
        state.idle = false;
        await flush();
      } else if (buffer.length === 0 && lastSeq) {
        saveCheckpoint(key, lastSeq);
      }
      state.idle = records.length === 0 && buffer.length === 0;
      if (records.length === 0 && iterator) {
        await sleep(
          buffer.length > 0 ? Math.min(pollIntervalMs, m.batchingWindowMs) : pollIntervalMs,
        );
      }
    }
    if (running) await flush();
    state.done = true;
    state.idle = true;
  }

  async function discover() {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const res = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      shards.push(...(res.StreamDescription?.Shards ?? []));
      start = res.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    for (const shard of shards) {
      for (const m of opts.mappings) {
        const key = `${m.name}/${shard.ShardId}`;
        if (readers.has(key)) continue;
        // Children wait for their parent so each item's changes arrive in order.
        const parentKey = shard.ParentShardId ? `${m.name}/${shard.ParentShardId}` : undefined;
        const parent = parentKey ? readers.get(parentKey) : undefined;
        if (parent && !parent.done) continue;
        const state = { done: false, idle: false, task: Promise.resolve() };
        readers.set(key, state);
        state.task = readShard(m, shard, key, state).catch((err: unknown) => {
          state.done = true;
          state.idle = true;
          log.error('Shard reader stopped', { mapping: m.name, error: errorMessage(err) });
        });
      }
    }
  }

  await discover();
  const discoverLoop = (async () => {
    while (running) {
      await sleep(2000);
      if (!running) break;
      await discover().catch((err: unknown) =>
        log.warn('DescribeStream failed', { error: errorMessage(err) }),
      );
    }
  })();

  return {
    async stop() {
      running = false;
      await Promise.all([...readers.values()].map((r) => r.task));
      await discoverLoop;
      await checkpointWrite;
    },
    async whenIdle(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let quietChecks = 0;
      while (quietChecks < 3) {
        if (Date.now() > deadline) throw new Error('Stream pollers did not become idle in time');
        const allIdle = [...readers.values()].every((r) => r.idle);
        quietChecks = allIdle ? quietChecks + 1 : 0;
        await sleep(pollIntervalMs);
      }
    },
    stats: () => Object.fromEntries([...stats].map(([k, v]) => [k, { ...v }])),
  };
}

export { startStreamPollers, toLambdaRecord };
