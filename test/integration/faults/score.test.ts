/**
 * The score path under DynamoDB faults, end to end: mentions inserted into DynamoDB Local, the
 * table's stream read by the local event source mapping (batches, partial failures, bisect,
 * bounded retries, dead-letter file), the score Lambda's handler and use case with the built-in
 * model, and the real mention repository writing over a client that fails on demand.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildScoreHandler } from '../../../functions/score/handler.ts';
import type { Repositories } from '../../../lib/domain/ports.ts';
import type { Mention } from '../../../lib/domain/types.ts';
import { type StreamPollers, startStreamPollers } from '../../../lib/local/stream-poller.ts';
import { createScoreUseCase } from '../../../lib/pipeline/score.ts';
import { silentLog } from '../../../lib/runtime/log.ts';
import { createSentimentAnalyzer } from '../../../lib/sentiment/index.ts';
import { LOCAL_REGION } from '../../../lib/storage/clients.ts';
import { SCORE_FILTER } from '../../../lib/storage/table-definition.ts';
import { awsErrors, type Faults } from '../../helpers/faults.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';
import {
  allMentions,
  bucketTotals,
  cleanRepos,
  expectedCounts,
  faultyRepos,
  mentions,
  readDeadLetters,
} from './support.ts';

const MAX_RETRIES = 3;

describe('score under DynamoDB faults, through the stream mapping', () => {
  let table: TestTable;
  let dir: string;
  let dlq: string;
  let repos: Repositories;
  let faults: Faults;
  let pollers: StreamPollers | undefined;
  let invocations: number;

  beforeEach(async () => {
    table = await createTestTable('faults-score');
    dir = await mkdtemp(join(tmpdir(), 'pantau-faults-score-'));
    dlq = join(dir, 'dead-letters.jsonl');
    repos = cleanRepos(table);
    const faulty = faultyRepos(table);
    faults = faulty.faults;
    invocations = 0;
    const { scoreMentions } = createScoreUseCase({
      mentions: faulty.repos.mentions,
      analyzer: createSentimentAnalyzer({ region: LOCAL_REGION, comprehendEnabled: false }),
    });
    const handler = buildScoreHandler({ scoreMentions, log: silentLog });
    pollers = await startStreamPollers({
      client: table.client,
      streams: table.streams,
      tableName: table.tableName,
      mappings: [
        {
          name: 'score',
          handler: (event) => {
            invocations += 1;
            return handler(event);
          },
          filters: [SCORE_FILTER],
          batchSize: 25,
          batchingWindowMs: 200,
          maxRetries: MAX_RETRIES,
          bisectOnError: true,
          deadLetterFile: dlq,
        },
      ],
      pollIntervalMs: 50,
      retryDelayMs: 10,
      log: silentLog,
    });
  });

  afterEach(async () => {
    await pollers?.stop();
    await table.drop();
    await rm(dir, { recursive: true, force: true });
  });

  async function insert(ms: Mention[]) {
    for (const m of ms) expect(await repos.mentions.putNew(m)).toBe(true);
    await pollers?.whenIdle(60_000);
  }

  /** Every mention scored once and counted once, in every bucket width. */
  async function expectScoredExactlyOnce(issueId: string, expected: number) {
    const stored = await allMentions(repos, issueId);
    const scored = stored.filter((m) => m.sentiment !== undefined);
    expect(scored).toHaveLength(expected);
    const counts = expectedCounts(scored);
    expect(counts.negative).toBeGreaterThan(0);
    expect(await bucketTotals(repos, issueId)).toEqual({
      '5m': counts,
      '1h': counts,
      '1d': counts,
    });
    return stored;
  }

  it('retries a batch whose writes are throttled, and scores every mention once', {
    timeout: 90_000,
  }, async () => {
    // Prepare: the first three score transactions fail as an overloaded table fails them.
    faults.fail('TransactWriteCommand', { times: 3, error: awsErrors.throughputExceeded });

    // Act
    await insert(mentions('beras', 60));

    // Assess
    expect(faults.injected('TransactWriteCommand')).toBe(3);
    // The failures reached the mapping, which delivered again (one invocation can meet more
    // than one failed chunk, so the count depends on batching): every record got through once.
    expect(invocations).toBeGreaterThanOrEqual(2);
    expect(pollers?.stats().score).toMatchObject({ delivered: 60, parked: 0 });
    await expectScoredExactlyOnce('beras', 60);
    expect(await readDeadLetters(dlq)).toEqual([]);
  });

  it('counts once when a write commits but its answer is lost, and the batch replays', {
    timeout: 90_000,
  }, async () => {
    // Prepare: the transactions reach the table and commit; the client sees a timeout.
    faults.fail('TransactWriteCommand', { times: 2, phase: 'after', error: awsErrors.timeout });

    // Act
    await insert(mentions('bbm', 40));

    // Assess
    expect(faults.injected('TransactWriteCommand')).toBe(2);
    expect(invocations).toBeGreaterThan(2);
    expect(pollers?.stats().score).toMatchObject({ delivered: 40, parked: 0 });
    await expectScoredExactlyOnce('bbm', 40);
    expect(await readDeadLetters(dlq)).toEqual([]);
  });

  it('scores through a table that fails a third of all calls at random', {
    timeout: 120_000,
  }, async () => {
    // Prepare: any DynamoDB call of the score path (reads of the transaction, writes) may fail.
    faults.fail('*', { probability: 0.3, error: awsErrors.dynamoInternal });

    // Act
    await insert(mentions('listrik', 50));

    // Assess: the retries are bounded, so a batch may have been parked; nothing is lost either way.
    const parked = await readDeadLetters(dlq);
    const stored = await expectScoredExactlyOnce('listrik', 50 - parked.length);
    expect(faults.injected()).toBeGreaterThan(0);
    const unscored = stored.filter((m) => m.sentiment === undefined).map((m) => m.id);
    expect(parked.map((p) => p.record.dynamodb?.NewImage?.id?.S).sort()).toEqual(unscored.sort());
  });

  it('parks a poison record after the retry limit and scores its neighbours', {
    timeout: 90_000,
  }, async () => {
    // Prepare: every write that includes this one mention fails, however often it is retried.
    const batch = mentions('gas', 30);
    const poison = batch[17] as Mention;
    faults.fail('TransactWriteCommand', {
      when: (input) => JSON.stringify(input).includes(poison.sourceId),
      error: awsErrors.dynamoInternal,
    });

    // Act
    await insert(batch);

    // Assess
    const stored = await expectScoredExactlyOnce('gas', 29);
    expect(stored.find((m) => m.id === poison.id)?.sentiment).toBeUndefined();
    const parked = await readDeadLetters(dlq);
    expect(parked).toHaveLength(1);
    expect(parked[0]?.mapping).toBe('score');
    expect(parked[0]?.reason).toBe(`failed after ${MAX_RETRIES + 1} attempts`);
    expect(parked[0]?.record.dynamodb?.NewImage?.id?.S).toBe(poison.id);
    expect(pollers?.stats().score?.parked).toBe(1);
    // Alone, the poison record was tried once and retried up to the limit.
    const alone = faults.log.filter((c) => c.command === 'TransactWriteItems').length;
    expect(alone).toBeGreaterThanOrEqual(MAX_RETRIES + 1);
    expect(invocations).toBeGreaterThan(MAX_RETRIES + 1);
  });
});
