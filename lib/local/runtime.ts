/**
 * `pantau start`: the whole of Pantau on one machine. It runs the very handlers that Lambda runs
 * (functions/*) and replaces only what AWS provides around them: DynamoDB Local for the table and
 * its stream, a scheduler for EventBridge Scheduler, stream pollers for the event source mappings,
 * an HTTP server for API Gateway, and a file outbox for SNS.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { SourceName } from '../domain/types.ts';
import { createInProcessShardInvoker } from '../pipeline/collect-dispatch.ts';
import type { Log } from '../runtime/log.ts';
import { createConsoleLog } from '../runtime/log.ts';
import { everyMinutesOf } from '../sources/liveness.ts';
import { createDocumentClient, LOCAL_CREDENTIALS, LOCAL_REGION } from '../storage/clients.ts';
import { createRepositories } from '../storage/repositories.ts';
import { createTableInput, DETECT_FILTER, SCORE_FILTER } from '../storage/table-definition.ts';
import { createApiGatewayListener } from './api-gateway.ts';
import { createDashboardFallback } from './dashboard.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { createLambdaContext } from './lambda-context.ts';
import { type LocalScheduler, startScheduler } from './scheduler.ts';
import { generateToken, seedDemo } from './seed.ts';
import { type StreamPollers, startStreamPollers } from './stream-poller.ts';

const LOCAL_TABLE_NAME = 'pantau-local';

export interface LocalRuntimeOptions {
  /** Port of the API; 0 picks a free one. Default: $PORT or 8787. */
  port?: number;
  /** Where data, outbox and dead letters live. Default: $PANTAU_DATA_DIR or ./.pantau */
  dataDir?: string;
  /** Keep the table in memory (tests); the outbox and dead letters still go to dataDir. */
  inMemory?: boolean;
  /** The demo tenant's bearer token. Default: $PANTAU_DEMO_TOKEN, else one kept in dataDir. */
  demoToken?: string;
  /** Collectors to schedule, with their rate in ms. Default: see defaultSchedules(). */
  schedules?: Partial<Record<SourceName, number>>;
  log?: Log;
}

export interface LocalRuntime {
  url: string;
  token: string;
  tenantId: string;
  issueIds: string[];
  dataDir: string;
  outboxFile: string;
  deadLetterFile: string;
  dynamoEndpoint: string;
  tableName: string;
  /** Runs one collection now, as the scheduler would, with optional extra event fields. */
  collect(source: SourceName, extra?: Record<string, unknown>): Promise<unknown>;
  pollers: StreamPollers;
  stop(): Promise<void>;
}

/** Sources that need no credentials run always; the others only when their credentials exist. */
function defaultSchedules(env: NodeJS.ProcessEnv): Partial<Record<SourceName, number>> {
  const minutes = (m: number) => m * 60_000;
  const demoSeconds = Number(env.PANTAU_DEMO_INTERVAL_SECONDS ?? 30);
  const schedules: Partial<Record<SourceName, number>> = {
    demo: Math.max(5, demoSeconds) * 1000,
  };
  if (env.PANTAU_OFFLINE !== '1') {
    schedules.rss = minutes(15);
    schedules['google-news'] = minutes(15);
  }
  if (env.X_BEARER_TOKEN) schedules.x = minutes(5);
  if (env.BLUESKY_HANDLE && env.BLUESKY_APP_PASSWORD) schedules.bluesky = minutes(5);
  if (env.MASTODON_INSTANCES) schedules.mastodon = minutes(10);
  if (env.YOUTUBE_API_KEY) schedules.youtube = minutes(60);
  return schedules;
}

function readOrCreate(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

async function ensureTable(client: DynamoDBClient, tableName: string) {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
}

async function startLocalRuntime(opts: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const env = process.env;
  const log = opts.log ?? createConsoleLog('pantau');
  const dataDir = resolve(opts.dataDir ?? env.PANTAU_DATA_DIR ?? '.pantau');
  mkdirSync(dataDir, { recursive: true });
  const outboxFile = join(dataDir, 'outbox.jsonl');
  const deadLetterFile = join(dataDir, 'dead-letters.jsonl');
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    cleanups.length = 0;
  };

  let ddb: DynamoDbLocal | undefined;
  try {
    ddb = await startDynamoDbLocal({
      dataDir: opts.inMemory ? undefined : join(dataDir, 'dynamodb'),
    });
    const engine = ddb;
    cleanups.push(() => engine.stop());
    log.info('DynamoDB Local is up', { endpoint: engine.endpoint, inMemory: !!opts.inMemory });
    const runtimeFile = join(dataDir, 'runtime.json');
    writeFileSync(
      runtimeFile,
      JSON.stringify({ pid: process.pid, endpoint: engine.endpoint, tableName: LOCAL_TABLE_NAME }),
    );
    cleanups.push(async () => rmSync(runtimeFile, { force: true }));

    const clientConfig = {
      endpoint: engine.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    };
    const client = new DynamoDBClient(clientConfig);
    const streams = new DynamoDBStreamsClient(clientConfig);
    cleanups.push(async () => {
      client.destroy();
      streams.destroy();
    });
    await ensureTable(client, LOCAL_TABLE_NAME);

    const cursorSecret = readOrCreate(join(dataDir, 'cursor-secret'), () =>
      randomBytes(32).toString('base64url'),
    );
    const token =
      opts.demoToken ??
      env.PANTAU_DEMO_TOKEN ??
      readOrCreate(join(dataDir, 'demo-token'), generateToken);

    const repos = createRepositories({
      doc: createDocumentClient(clientConfig),
      tableName: LOCAL_TABLE_NAME,
      cursorSecret,
    });
    const seeded = await seedDemo(repos, { token });

    // The HTTP server listens before the handlers load so PUBLIC_BASE_URL names the real port.
    // Requests that arrive while the handlers load get a 503 rather than a connection that hangs.
    let onRequest: RequestListener = (_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ error: { code: 'starting', message: 'Pantau is starting' } }));
    };
    const server = createServer((req, res) => onRequest(req, res));
    const port = await listen(server, opts.port ?? Number(env.PORT ?? 8787));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    const url = `http://127.0.0.1:${port}`;

    // What the CDK stack sets as function environment, pointed at the local engines.
    Object.assign(process.env, {
      TABLE_NAME: LOCAL_TABLE_NAME,
      DYNAMODB_ENDPOINT: engine.endpoint,
      AWS_REGION: env.AWS_REGION ?? LOCAL_REGION,
      STAGE: 'local',
      AUTH_MODE: 'local',
      CURSOR_SECRET: cursorSecret,
      PANTAU_OUTBOX_FILE: outboxFile,
      PUBLIC_BASE_URL: env.PUBLIC_BASE_URL ?? url,
      SENTIMENT_COMPREHEND_ENABLED: 'false',
      // Locally the demo agency also runs the platform, so its token can try the admin routes.
      OPERATOR_TENANT_ID: env.OPERATOR_TENANT_ID ?? 'demo',
      // Two hours of demo history on the first run, so the detector has a baseline to learn
      // before the first burst (it needs an hour of settled windows).
      PANTAU_DEMO_BACKFILL_MINUTES: env.PANTAU_DEMO_BACKFILL_MINUTES ?? '120',
      PANTAU_DEMO_POSTS_PER_RUN: env.PANTAU_DEMO_POSTS_PER_RUN ?? '2000',
    });
    const [score, detect, collect, api] = await Promise.all([
      import('../../functions/score/handler.ts'),
      import('../../functions/detect/handler.ts'),
      import('../../functions/collect/handler.ts'),
      import('../../functions/api/handler.ts'),
    ]);

    const pollers = await startStreamPollers({
      client,
      streams,
      tableName: LOCAL_TABLE_NAME,
      checkpointFile: opts.inMemory ? undefined : join(dataDir, 'stream-checkpoints.json'),
      log,
      mappings: [
        {
          name: 'score',
          handler: (event) => score.handler(event, createLambdaContext('score', 60_000)),
          filters: [SCORE_FILTER],
          batchSize: 100,
          batchingWindowMs: 500,
          maxRetries: 5,
          bisectOnError: true,
          deadLetterFile,
        },
        {
          name: 'detect',
          handler: (event) => detect.handler(event, createLambdaContext('detect', 60_000)),
          filters: [DETECT_FILTER],
          batchSize: 100,
          batchingWindowMs: 1000,
          maxRetries: 5,
          bisectOnError: true,
          deadLetterFile,
        },
      ],
    });
    cleanups.push(() => pollers.stop());

    // The dashboard is static; everything else goes to the api function, as behind CloudFront.
    const dashboard = await createDashboardFallback({ log });
    onRequest = createApiGatewayListener({ handler: api.handler, log, fallback: dashboard });

    const schedules = opts.schedules ?? defaultSchedules(env);
    // Shards of a fanned-out run execute in this process, as Lambda would run its async invokes;
    // a scheduled run counts as finished when its last shard has.
    const shards = createInProcessShardInvoker(
      (event) => collectHandler(event, createLambdaContext(`collect-${event.source}`, 300_000)),
      log,
    );
    const collectHandler = collect.buildCollectHandler({
      invoker: shards,
      intervalMs: (source) => schedules[source] ?? 300_000,
      // Recorded with the status; a source collected only by hand has no schedule to miss.
      expectedEveryMinutes: (source) => {
        const every = schedules[source];
        return every === undefined ? undefined : everyMinutesOf(every);
      },
    });
    const runCollect = async (source: SourceName, extra: Record<string, unknown> = {}) => {
      const result = await collectHandler(
        { source, ...extra },
        createLambdaContext(`collect-${source}`, 300_000),
      );
      await shards.idle();
      return result;
    };

    let scheduler: LocalScheduler | undefined;
    const entries = Object.entries(schedules) as [SourceName, number][];
    if (entries.length > 0) {
      scheduler = startScheduler(
        entries.map(([source, everyMs]) => ({
          name: source,
          everyMs,
          firstRunDelayMs: source === 'demo' ? 0 : 2000,
          run: async () => {
            await runCollect(source);
          },
        })),
        log,
      );
      const s = scheduler;
      cleanups.push(() => s.stop());
    }
    log.info('Collectors scheduled', {
      sources: entries.map(([s, ms]) => `${s}/${Math.round(ms / 1000)}s`).join(','),
    });

    return {
      url,
      token,
      tenantId: seeded.tenantId,
      issueIds: seeded.issues.map((i) => i.id),
      dataDir,
      outboxFile,
      deadLetterFile,
      dynamoEndpoint: engine.endpoint,
      tableName: LOCAL_TABLE_NAME,
      collect: runCollect,
      pollers,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export { defaultSchedules, LOCAL_TABLE_NAME, startLocalRuntime };
