/**
 * The fault injector itself, on DynamoDB Local: what it lets through really reaches the engine,
 * what it fails never does (or, with phase 'after', does and loses the answer).
 */
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDocumentClient,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
} from '../../../lib/storage/clients.ts';
import { awsErrors, injectFaults } from '../../helpers/faults.ts';
import { createTestTable, type TestTable } from '../../helpers/table.ts';

describe('fault injection on an SDK client', () => {
  let table: TestTable;
  beforeAll(async () => {
    table = await createTestTable('faults-helper');
  });
  afterAll(async () => {
    await table.drop();
  });

  /** A client of its own: faults on it never touch the table's client used to check. */
  function faultyDoc() {
    return createDocumentClient({
      endpoint: table.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
  }

  const put = (sk: string) =>
    new PutCommand({ TableName: table.tableName, Item: { pk: 'F', sk, entityType: 'probe' } });

  async function stored(sk: string): Promise<boolean> {
    const res = await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: 'F', sk } }),
    );
    return res.Item !== undefined;
  }

  it('fails the chosen command a number of times after letting some through', async () => {
    // Prepare
    const doc = faultyDoc();
    const faults = injectFaults(doc);
    faults.fail('PutCommand', { after: 1, times: 2, error: awsErrors.throughputExceeded });

    // Act
    const outcomes: string[] = [];
    for (const sk of ['a', 'b', 'c', 'd']) {
      try {
        await doc.send(put(sk));
        outcomes.push('ok');
      } catch (err) {
        expect(err).toBeInstanceOf(ProvisionedThroughputExceededException);
        outcomes.push('throttled');
      }
    }
    await doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'F', sk: 'a' } }));

    // Assess
    expect(outcomes).toEqual(['ok', 'throttled', 'throttled', 'ok']);
    expect([await stored('a'), await stored('b'), await stored('c'), await stored('d')]).toEqual([
      true,
      false,
      false,
      true,
    ]);
    expect(faults.calls('PutItemCommand')).toBe(4);
    expect(faults.calls('Put')).toBe(4);
    expect(faults.injected('PutCommand')).toBe(2);
    expect(faults.calls('GetCommand')).toBe(1);
    expect(faults.calls()).toBe(5);
    doc.destroy();
  });

  it("loses the answer of a write that took effect with phase 'after'", async () => {
    // Prepare
    const doc = faultyDoc();
    const faults = injectFaults(doc);
    faults.fail('TransactWriteCommand', { times: 1, phase: 'after' });

    // Act
    const send = doc.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: table.tableName, Item: { pk: 'F', sk: 'tx' } } }],
      }),
    );

    // Assess
    await expect(send).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(await stored('tx')).toBe(true);
    doc.destroy();
  });

  it('selects calls by input, repeats a seeded probability, and clears', async () => {
    // Prepare
    const runs: string[][] = [];
    for (let run = 0; run < 2; run++) {
      const doc = faultyDoc();
      const faults = injectFaults(doc, { seed: 42 });
      faults.fail('PutCommand', { probability: 0.5 });
      faults.fail('PutCommand', { when: (input) => JSON.stringify(input).includes('poison') });
      const outcomes: string[] = [];

      // Act
      for (let i = 0; i < 12; i++) {
        outcomes.push(
          await doc.send(put(`p${run}-${i}`)).then(
            () => 'ok',
            () => 'failed',
          ),
        );
      }
      const poison = await doc.send(put('poison')).then(
        () => 'ok',
        () => 'failed',
      );
      faults.clear();
      const afterClear = await doc.send(put('poison')).then(
        () => 'ok',
        () => 'failed',
      );

      // Assess
      expect(outcomes).toContain('ok');
      expect(outcomes).toContain('failed');
      expect(afterClear).toBe('ok');
      runs.push([...outcomes, poison]);
      doc.destroy();
    }
    // The same seed fails the same calls; the 'when' rule fails the poison item whatever the draw.
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]?.at(-1)).toBe('failed');
  });

  it('slows a command down and lets it through', async () => {
    // Prepare
    const doc = faultyDoc();
    const faults = injectFaults(doc);
    faults.slow('PutCommand', { ms: 50, times: 1 });

    // Act
    await doc.send(put('slow'));
    await doc.send(put('fast'));

    // Assess
    expect(faults.log.map((c) => c.outcome)).toEqual(['slowed', 'passed']);
    expect(await stored('slow')).toBe(true);
    faults.remove();
    doc.destroy();
  });
});
