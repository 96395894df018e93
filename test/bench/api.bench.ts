/**
 * API latency and throughput on loopback: node:http → API → real repositories → DynamoDB Local
 * (in memory), over one issue holding 100,000 mentions across 30 days and a month of buckets.
 * Figures: seed rate, p50/p99 of the main reads, and requests/s under a bounded load generator.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createApi } from '../../lib/api/app.ts';
import { createLocalTokenAuthenticator, issueLocalToken } from '../../lib/api/auth.ts';
import { createNodeListener } from '../../lib/api/node-http.ts';
import type { BucketWidth, Mention, SourceName } from '../../lib/domain/types.ts';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoDbLocal,
} from '../../lib/local/dynamodb-local.ts';
import { createDocumentClient } from '../../lib/storage/clients.ts';
import { mentionToItem } from '../../lib/storage/item-mappers.ts';
import { bucketKey } from '../../lib/storage/keys.ts';
import { createRepositories } from '../../lib/storage/repositories.ts';
import { createTableInput } from '../../lib/storage/table-definition.ts';
import { percentile } from './stats.ts';

const MENTIONS = 100_000;
const DAYS = 30;
const SOURCES: SourceName[] = ['x', 'bluesky', 'mastodon', 'rss', 'youtube'];
const TENANT = 'bench';
const ISSUE = 'iss_bench';
/** The load phase stops at whichever comes first. */
const LOAD_REQUESTS = 3_000;
const LOAD_MAX_MS = 20_000;
const LOAD_CONCURRENCY = 16;

async function latency(
  name: string,
  n: number,
  url: () => string,
  headers: Record<string, string>,
) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url(), { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status}`);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    [`${name} p50 (ms)`]: percentile(times, 50),
    [`${name} p99 (ms)`]: percentile(times, 99),
  };
}

async function run(): Promise<Record<string, number | string>> {
  const engine = await startDynamoDbLocal();
  const config = {
    endpoint: engine.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  };
  const tableName = 'bench-api';
  const client = new DynamoDBClient(config);
  const doc = createDocumentClient(config);
  const server = createServer();
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    const repos = createRepositories({ doc, tableName, cursorSecret: 'bench' });
    const now = new Date();
    await repos.tenants.put({ id: TENANT, name: 'Bench', createdAt: now.toISOString() });
    const { token } = await issueLocalToken(repos.tenants, {
      tenantId: TENANT,
      scopes: ['pantau/read'],
      now,
    });
    await repos.issues.create({
      tenantId: TENANT,
      id: ISSUE,
      name: 'Harga beras',
      query: 'beras',
      sources: SOURCES,
      languages: [],
      status: 'active',
      detector: {},
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });

    // Seed straight through BatchWrite with the repository's own item mapper: putNew one by one
    // would make the seed, not the API, the slow part of the benchmark.
    const spanMs = DAYS * 86_400_000;
    const seedStart = performance.now();
    const items = function* () {
      for (let i = 0; i < MENTIONS; i++) {
        const createdAt = new Date(
          now.getTime() - 1000 - Math.floor((i / MENTIONS) * spanMs),
        ).toISOString();
        const m: Mention = {
          tenantId: TENANT,
          issueId: ISSUE,
          id: '',
          source: SOURCES[i % SOURCES.length] as SourceName,
          sourceId: `p${i}`,
          url: `https://example.org/p/${i}`,
          author: { handle: `user${i % 997}` },
          text: `Harga beras di pasar ${i % 50} naik lagi, warga mengeluh #beras #harga${i % 13}`,
          createdAt,
          collectedAt: createdAt,
          lang: 'id',
          engagement: { likes: (i * 31) % 500, reposts: i % 17, replies: i % 7 },
        };
        yield { PutRequest: { Item: mentionToItem(m, 90) } };
      }
      for (const [width, stepMs, count] of [
        ['5m', 300_000, 288],
        ['1h', 3_600_000, DAYS * 24],
        ['1d', 86_400_000, DAYS],
      ] as [BucketWidth, number, number][]) {
        const last = Math.floor(now.getTime() / stepMs) * stepMs;
        for (let k = 0; k < count; k++) {
          const start = new Date(last - k * stepMs).toISOString();
          yield {
            PutRequest: {
              Item: {
                ...bucketKey(ISSUE, width, start),
                entityType: 'bucket',
                tenantId: TENANT,
                issueId: ISSUE,
                width,
                start,
                total: 100,
                positive: 20,
                negative: 30,
                neutral: 40,
                mixed: 10,
                engagement: 900,
              },
            },
          };
        }
      }
    };
    const source = items();
    let written = 0;
    const writer = async () => {
      for (;;) {
        const batch = [];
        for (let k = 0; k < 25; k++) {
          const next = source.next();
          if (next.done) break;
          batch.push(next.value);
        }
        if (batch.length === 0) return;
        let pending: typeof batch | undefined = batch;
        while (pending && pending.length > 0) {
          const res = await doc.send(
            new BatchWriteCommand({ RequestItems: { [tableName]: pending } }),
          );
          pending = res.UnprocessedItems?.[tableName] as typeof batch | undefined;
        }
        written += batch.length;
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const api = createApi({ repos, authenticator: createLocalTokenAuthenticator(repos.tenants) });
    server.on('request', createNodeListener(api));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const headers = { authorization: `Bearer ${token}` };
    const m = `${base}/v1/issues/${ISSUE}/mentions`;
    const s = `${base}/v1/issues/${ISSUE}/stats`;
    const from30 = new Date(now.getTime() - spanMs).toISOString();

    // Warm-up: JIT, connection pool, DynamoDB Local's first queries.
    await latency('warmup', 20, () => `${m}?limit=50`, headers);

    let cursor: string | undefined;
    const deepPage = () => {
      const url = `${m}?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      return url;
    };
    const figures: Record<string, number | string> = {
      'mentions seeded': MENTIONS,
      'seed items/s (BatchWrite, 8 writers)': written / seedSeconds,
      ...(await latency('GET mentions limit=50 newest', 200, () => `${m}?limit=50`, headers)),
      ...(await latency(
        'GET mentions limit=50 source+lang filter',
        100,
        () => `${m}?limit=50&source=x&lang=id`,
        headers,
      )),
      ...(await latency(
        'GET mentions limit=50 contains (post-filter)',
        100,
        () => `${m}?limit=50&contains=pasar%2049`,
        headers,
      )),
      ...(await latency(
        'GET mentions sort=engagement (5,000 scanned)',
        20,
        () => `${m}?limit=50&sort=engagement`,
        headers,
      )),
      ...(await latency(
        'GET stats 1h over 30 days (720 points)',
        200,
        () => `${s}?interval=1h&from=${from30}`,
        headers,
      )),
      ...(await latency(
        'GET stats 1d over 30 days + breakdown',
        50,
        () => `${s}?interval=1d&from=${from30}&breakdown=true`,
        headers,
      )),
    };

    // Page-walk: follow cursors 40 pages deep to show later pages cost the same as the first.
    const walk: number[] = [];
    for (let p = 0; p < 40; p++) {
      const t0 = performance.now();
      const res = await fetch(deepPage(), { headers });
      const body = (await res.json()) as { nextCursor?: string };
      walk.push(performance.now() - t0);
      cursor = body.nextCursor;
    }
    walk.sort((a, b) => a - b);
    figures['GET mentions page walk (40 pages) p50 (ms)'] = percentile(walk, 50);

    // Load: a fixed mix at fixed concurrency, bounded by count and by time.
    const mix = [
      `${m}?limit=20`,
      `${s}?interval=1h&from=${from30}`,
      `${m}?limit=20&source=x`,
      `${base}/v1/issues`,
    ];
    let sent = 0;
    let ok = 0;
    let failed = 0;
    const loadStart = performance.now();
    const worker = async () => {
      while (sent < LOAD_REQUESTS && performance.now() - loadStart < LOAD_MAX_MS) {
        const url = mix[sent++ % mix.length] as string;
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        if (res.status === 200) ok++;
        else failed++;
      }
    };
    await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, worker));
    const loadSeconds = (performance.now() - loadStart) / 1000;
    figures[`load: requests (concurrency ${LOAD_CONCURRENCY})`] = ok + failed;
    figures['load: non-200 responses'] = failed;
    figures['load: requests/s'] = (ok + failed) / loadSeconds;
    return figures;
  } finally {
    await new Promise((r) => server.close(r));
    doc.destroy();
    client.destroy();
    await engine.stop();
  }
}

export { run };
