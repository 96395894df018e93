/**
 * `npm start` enforces the API rate limits too: the local runtime serves the Lambda api handler,
 * which counts into DynamoDB Local. Limits come from the same environment variables as in AWS.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../../lib/local/runtime.ts';
import { silentLog } from '../../../lib/runtime/log.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../lib/storage/clients.ts';

const TOKEN = 'pt_rate_limit_local_token';
const LIMIT = 3;

describe('local runtime: API rate limits', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    // Read by the api handler when it first builds its dependencies, as in Lambda.
    process.env.PANTAU_API_CLIENT_RPM = String(LIMIT);
    process.env.PANTAU_API_TENANT_RPM = String(LIMIT);
    runtime = await startLocalRuntime({
      port: 0,
      inMemory: true,
      dataDir: mkdtempSync(join(tmpdir(), 'pantau-rate-')),
      demoToken: TOKEN,
      schedules: {},
      log: silentLog,
    });
  }, 120_000);

  afterAll(async () => {
    await runtime?.stop();
    delete process.env.PANTAU_API_CLIENT_RPM;
    delete process.env.PANTAU_API_TENANT_RPM;
  });

  it('answers 429 with Retry-After past the limit, counted in DynamoDB Local', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    // Twice the limit and more: even if the minute turns over once during the loop, one window
    // holds more than LIMIT requests.
    for (let i = 0; i < 2 * LIMIT + 2; i++) {
      const res = await fetch(`${runtime.url}/v1/issues`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
      await res.arrayBuffer();
    }
    expect(statuses.slice(0, LIMIT)).toContain(200);
    expect(statuses).toContain(429);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    const retryAfter = Number(limited?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const client = new DynamoDBClient({
      endpoint: runtime.dynamoEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      const scan = await client.send(
        new ScanCommand({
          TableName: runtime.tableName,
          FilterExpression: 'entityType = :t',
          ExpressionAttributeValues: { ':t': { S: 'rate-limit' } },
        }),
      );
      const pks = new Set((scan.Items ?? []).map((i) => i.pk?.S));
      expect(pks).toContain(`RATE#${runtime.tenantId}`);
      expect([...pks].some((pk) => pk?.startsWith(`RATE#${runtime.tenantId}#CLIENT#token:`))).toBe(
        true,
      );
    } finally {
      client.destroy();
    }
  });

  it('leaves /health unlimited', async () => {
    for (let i = 0; i < LIMIT + 2; i++) {
      const res = await fetch(`${runtime.url}/health`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
  });
});
