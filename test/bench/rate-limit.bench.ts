/**
 * The API rate limiter on DynamoDB Local (in memory) and on loopback fakes of a failing
 * DynamoDB: what a check costs a request, whether two instances under concurrency allow exactly
 * the limit, how many counter writes a runaway client causes, and how long a request waits when
 * the counter store throttles or hangs (it then goes ahead).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createApi } from '../../lib/api/app.ts';
import { createLocalTokenAuthenticator, issueLocalToken } from '../../lib/api/auth.ts';
import type { Api } from '../../lib/api/types.ts';
import type { RateLimiter } from '../../lib/domain/ports.ts';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoDbLocal,
} from '../../lib/local/dynamodb-local.ts';
import { createDocumentClient } from '../../lib/storage/clients.ts';
import { rateLimitKey } from '../../lib/storage/keys.ts';
import { createDynamoRateLimiter } from '../../lib/storage/rate-limit-repository.ts';
import { createRepositories } from '../../lib/storage/repositories.ts';
import { createTableInput } from '../../lib/storage/table-definition.ts';
import { percentile } from './stats.ts';

const REQUESTS = 500;
const FIXED_NOW = new Date('2026-11-29T18:00:30.000Z');
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** The request every figure here is about: an agency listing its issues. */
function listIssues(api: Api, token: string) {
  return api({
    method: 'GET',
    path: '/v1/issues',
    query: {},
    headers: { authorization: `Bearer ${token}` },
    body: undefined,
  });
}

async function timeRequests(api: Api, token: string, n: number) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await listIssues(api, token);
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`GET /v1/issues: HTTP ${res.status}`);
  }
  return times.sort((a, b) => a - b);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Wall time of one API request while the counter store misbehaves as `respond` says. */
async function failingStoreDelay(
  respond: (res: ServerResponse) => void,
  repos: ReturnType<typeof createRepositories>,
  token: string,
  maxAttempts: number,
): Promise<{ ms: number; status: number }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => respond(res));
  });
  const endpoint = await listen(server);
  // As the api function builds the limiter's client: one attempt, no retries (or `maxAttempts`).
  const doc = createDocumentClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts,
  });
  try {
    const api = createApi({
      repos,
      authenticator: createLocalTokenAuthenticator(repos.tenants),
      log: quiet,
      rateLimiter: createDynamoRateLimiter({
        table: { doc, tableName: 'any' },
        limits: { tenantPerMinute: 10, clientPerMinute: 10 },
      }),
    });
    const times: number[] = [];
    let status = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const res = await listIssues(api, token);
      times.push(performance.now() - t0);
      status = res.status;
    }
    times.sort((a, b) => a - b);
    return { ms: percentile(times, 50), status };
  } finally {
    doc.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

async function run(): Promise<Record<string, number | string>> {
  const engine = await startDynamoDbLocal();
  const config = {
    endpoint: engine.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  };
  const client = new DynamoDBClient(config);
  const doc = createDocumentClient(config);
  const tableName = 'bench-rate-limit';
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    const table = { doc, tableName };
    const repos = createRepositories({ doc, tableName, cursorSecret: 'bench' });
    const now = new Date();
    await repos.tenants.put({ id: 'bench', name: 'Bench', createdAt: now.toISOString() });
    const { token } = await issueLocalToken(repos.tenants, {
      tenantId: 'bench',
      scopes: ['pantau/read'],
      now,
    });
    const limits = { tenantPerMinute: 1_000_000, clientPerMinute: 1_000_000 };
    const base = { repos, authenticator: createLocalTokenAuthenticator(repos.tenants) };

    // Interleaved rounds, so both variants see the same warm-up and background noise.
    const plain: number[] = [];
    const limited: number[] = [];
    const withoutLimiter = createApi(base);
    let limiterFailures = 0;
    const withLimiter = createApi({
      ...base,
      rateLimiter: createDynamoRateLimiter({ table, limits }),
      onRateLimiterFailure: () => {
        limiterFailures++;
      },
    });
    await timeRequests(withoutLimiter, token, 50);
    await timeRequests(withLimiter, token, 50);
    for (let round = 0; round < 5; round++) {
      plain.push(...(await timeRequests(withoutLimiter, token, REQUESTS / 5)));
      limited.push(...(await timeRequests(withLimiter, token, REQUESTS / 5)));
    }
    plain.sort((a, b) => a - b);
    limited.sort((a, b) => a - b);

    // Two instances, 16 requests in flight, 3,000 requests of one client in one window.
    const LIMIT = 1_000;
    const instances: RateLimiter[] = [0, 1].map(() =>
      createDynamoRateLimiter({
        table,
        limits: { tenantPerMinute: 1_000_000, clientPerMinute: LIMIT },
        // Counting is measured here, not latency: no check may fail open for being slow.
        timeoutMs: 10_000,
      }),
    );
    let allowed = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async (_, w) => {
        while (next < 3 * LIMIT) {
          next++;
          const d = await (instances[w % 2] as RateLimiter).hit('race', 'token:one', FIXED_NOW);
          if (d.allowed) allowed++;
        }
      }),
    );
    const raceSeconds = (performance.now() - started) / 1000;

    // A runaway client on one instance: how many requests reach the counters.
    const runaway = createDynamoRateLimiter({
      table,
      limits: { tenantPerMinute: 1_000_000, clientPerMinute: 100 },
    });
    for (let i = 0; i < 5_000; i++) await runaway.hit('runaway', 'token:loop', FIXED_NOW);
    const windowIso = new Date(Date.parse('2026-11-29T18:00:00.000Z')).toISOString();
    const counted = await doc.send(
      new GetCommand({
        TableName: tableName,
        Key: rateLimitKey(windowIso, 'runaway', 'token:loop'),
        ConsistentRead: true,
      }),
    );

    const throttle = (res: ServerResponse) => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
          message: 'Rate of requests exceeds the allowed throughput.',
        }),
      );
    };
    const throttled = await failingStoreDelay(throttle, repos, token, 1);
    // What the SDK's default three attempts would cost: its backoff outlasts the budget.
    const throttledRetrying = await failingStoreDelay(throttle, repos, token, 3);
    const hung = await failingStoreDelay(() => undefined, repos, token, 1);

    return {
      'GET /v1/issues without limiter p50 (ms)': percentile(plain, 50),
      'GET /v1/issues without limiter p99 (ms)': percentile(plain, 99),
      'GET /v1/issues with limiter p50 (ms)': percentile(limited, 50),
      'GET /v1/issues with limiter p99 (ms)': percentile(limited, 99),
      'limiter cost per request p50 (ms)': percentile(limited, 50) - percentile(plain, 50),
      'checks past the 1,000 ms budget (failed open)': limiterFailures,
      'allowed of 3,000 (limit 1,000, 2 instances, 16 in flight)': allowed,
      'limiter checks/s (2 instances, 16 in flight)': (3 * LIMIT) / raceSeconds,
      'counter writes from 5,000 runaway requests (limit 100)': Number(counted.Item?.n ?? 0),
      'request wait, store throttles p50 (ms)': throttled.ms,
      'status, store throttles': throttled.status,
      'same with the SDK default of 3 attempts p50 (ms)': throttledRetrying.ms,
      'request wait, store hangs (1,000 ms budget) p50 (ms)': hung.ms,
      'status, store hangs': hung.status,
    };
  } finally {
    client.destroy();
    doc.destroy();
    await engine.stop();
  }
}

export { run };
