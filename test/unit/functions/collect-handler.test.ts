/**
 * The collect handler's two paths: a planner event from the schedule (run here, or start shards)
 * and a shard event (run one shard, then start the next of its lane). A fake invoker captures the
 * asynchronous invocations; the use case is a fake port that records what it was asked to run.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCollectHandler, parseEvent } from '../../../functions/collect/handler.ts';
import { SourceError, ValidationError } from '../../../lib/domain/errors.ts';
import type { SourceName } from '../../../lib/domain/types.ts';
import { createLambdaContext } from '../../../lib/local/lambda-context.ts';
import type {
  CollectPlan,
  CollectReport,
  CollectRunOptions,
  CollectUseCase,
} from '../../../lib/pipeline/collect.ts';
import {
  createLambdaShardInvoker,
  type FanoutReport,
  type ShardInvoker,
} from '../../../lib/pipeline/collect-dispatch.ts';
import type { ShardEvent } from '../../../lib/pipeline/collect-fanout.ts';
import { silentLog } from '../../../lib/runtime/log.ts';

const INTERVAL_MS = 5 * 60_000;

function reportOf(source: SourceName, opts: CollectRunOptions, extra: Partial<CollectReport>) {
  const at = new Date().toISOString();
  return {
    source,
    ...(opts.shard ? { shard: opts.shard } : {}),
    startedAt: at,
    finishedAt: at,
    issues: 0,
    scopes: [],
    skippedScopes: [],
    postsSeen: 0,
    matched: 0,
    written: 3,
    duplicates: 0,
    errors: 0,
    requests: 1,
    status: { source, status: 'ok', lastRunAt: at, postsSeen: 0, mentionsWritten: 3 },
    ...extra,
  } satisfies CollectReport;
}

/** A use case with `scopes` scope keys that records every run it is asked for. */
function fakeUseCase(
  scopes: number,
  opts: { backoffUntil?: string; runResult?: Partial<CollectReport> } = {},
) {
  const runs: { source: SourceName; opts: CollectRunOptions }[] = [];
  const useCase: CollectUseCase = {
    async plan(source): Promise<CollectPlan> {
      if (opts.backoffUntil) {
        return {
          source,
          scopes: [],
          backoff: {
            source,
            status: 'rate-limited',
            until: opts.backoffUntil,
            lastRunAt: new Date().toISOString(),
            postsSeen: 0,
            mentionsWritten: 0,
          },
        };
      }
      return { source, scopes: Array.from({ length: scopes }, (_, i) => `issue:${i}`) };
    },
    async run(source, runOpts = {}) {
      runs.push({ source, opts: runOpts });
      return reportOf(source, runOpts, opts.runResult ?? {});
    },
  };
  return { useCase, runs };
}

function capturingInvoker(failFor: (e: ShardEvent) => boolean = () => false) {
  const invoked: ShardEvent[] = [];
  const invoker: ShardInvoker = {
    async invoke(event) {
      if (failFor(event)) throw new Error(`throttled: shard ${event.shard.index}`);
      invoked.push(event);
    },
  };
  return { invoker, invoked };
}

function handlerWith(useCase: CollectUseCase, invoker: ShardInvoker) {
  return buildCollectHandler({
    invoker,
    useCaseFor: async () => ({ useCase, log: silentLog }),
    intervalMs: () => INTERVAL_MS,
  });
}

const ctx = () => createLambdaContext('collect-test', 300_000);

describe('collect handler: planner event', () => {
  it('runs a small source itself and starts no shard', async () => {
    const { useCase, runs } = fakeUseCase(25);
    const { invoker, invoked } = capturingInvoker();
    const result = (await handlerWith(useCase, invoker)({ source: 'x' }, ctx())) as CollectReport;
    expect(runs).toHaveLength(1);
    expect(runs[0]?.opts.shard).toBeUndefined();
    expect(result.written).toBe(3);
    expect(invoked).toEqual([]);
  });

  it('splits X (one credential) into shards run in one lane: one async invocation', async () => {
    const { useCase, runs } = fakeUseCase(60);
    const { invoker, invoked } = capturingInvoker();
    const before = Date.now();
    const result = (await handlerWith(useCase, invoker)({ source: 'x' }, ctx())) as FanoutReport;
    expect(runs).toEqual([]);
    expect(result).toMatchObject({ source: 'x', scopes: 60, shards: 3, lanes: 1, failed: [] });
    expect(invoked).toHaveLength(1);
    const head = invoked[0] as ShardEvent;
    expect(head.source).toBe('x');
    expect(head.shard.count).toBe(3);
    expect(head.plan.lanes).toBe(1);
    expect(head.shard.index).toBe(head.plan.offset);
    expect(result.invoked).toEqual([head.shard.index]);
    const notAfter = Date.parse(head.plan.notAfter);
    expect(notAfter).toBeGreaterThanOrEqual(before + INTERVAL_MS);
    expect(notAfter).toBeLessThanOrEqual(Date.now() + INTERVAL_MS);
    // What the handler sends is what it accepts back.
    expect(parseEvent(JSON.parse(JSON.stringify(head)))).toEqual(head);
  });

  it('starts one head per lane for RSS, each on a different shard', async () => {
    const { useCase } = fakeUseCase(400);
    const { invoker, invoked } = capturingInvoker();
    const result = (await handlerWith(useCase, invoker)({ source: 'rss' }, ctx())) as FanoutReport;
    expect(result.shards).toBe(10);
    expect(result.lanes).toBe(4);
    expect(new Set(invoked.map((e) => e.shard.index)).size).toBe(4);
    expect(invoked.every((e) => e.shard.count === 10 && e.plan.lanes === 4)).toBe(true);
  });

  it('starts nothing for a source that is backing off; the run records the backoff', async () => {
    const { useCase, runs } = fakeUseCase(500, {
      backoffUntil: new Date(Date.now() + 60_000).toISOString(),
      runResult: { stoppedBy: 'backoff', written: 0 },
    });
    const { invoker, invoked } = capturingInvoker();
    const result = (await handlerWith(useCase, invoker)({ source: 'x' }, ctx())) as CollectReport;
    expect(invoked).toEqual([]);
    expect(runs).toHaveLength(1);
    expect(result.stoppedBy).toBe('backoff');
  });

  it('records a lane whose invocation failed and keeps the lanes that started', async () => {
    const { useCase } = fakeUseCase(400);
    let calls = 0;
    const { invoker, invoked } = capturingInvoker(() => calls++ === 1);
    const result = (await handlerWith(useCase, invoker)({ source: 'rss' }, ctx())) as FanoutReport;
    expect(invoked).toHaveLength(3);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]?.error).toMatch(/throttled/);
  });

  it('throws when no shard could be started, so the schedule retries the planner', async () => {
    const { useCase } = fakeUseCase(400);
    const { invoker } = capturingInvoker(() => true);
    await expect(handlerWith(useCase, invoker)({ source: 'rss' }, ctx())).rejects.toThrow(
      SourceError,
    );
  });
});

describe('collect handler: shard event', () => {
  const future = () => new Date(Date.now() + INTERVAL_MS).toISOString();
  const shardEvent = (index: number, count: number, lanes: number, notAfter = future()) => ({
    source: 'x' as const,
    shard: { index, count },
    plan: { lanes, offset: 0, notAfter },
  });

  it('runs only its shard and starts the next shard of its lane', async () => {
    const { useCase, runs } = fakeUseCase(60);
    const { invoker, invoked } = capturingInvoker();
    const event = shardEvent(0, 3, 1);
    const result = (await handlerWith(useCase, invoker)(event, ctx())) as CollectReport;
    expect(runs.map((r) => r.opts.shard)).toEqual([{ index: 0, count: 3 }]);
    expect(result.shard).toEqual({ index: 0, count: 3 });
    expect(invoked).toEqual([{ ...event, shard: { index: 1, count: 3 } }]);
  });

  it('ends the lane after its last shard', async () => {
    const { useCase } = fakeUseCase(60);
    const { invoker, invoked } = capturingInvoker();
    await handlerWith(useCase, invoker)(shardEvent(2, 3, 1), ctx());
    expect(invoked).toEqual([]);
  });

  it.each(['rate-limited', 'quota-exhausted', 'auth-failed', 'backoff'] as const)(
    'stops the lane when the source stopped (%s)',
    async (stoppedBy) => {
      const { useCase } = fakeUseCase(60, { runResult: { stoppedBy } });
      const { invoker, invoked } = capturingInvoker();
      await handlerWith(useCase, invoker)(shardEvent(0, 3, 1), ctx());
      expect(invoked).toEqual([]);
    },
  );

  it('continues the lane after a shard that ran out of time (the next one has its own)', async () => {
    const { useCase } = fakeUseCase(60, { runResult: { stoppedBy: 'deadline' } });
    const { invoker, invoked } = capturingInvoker();
    await handlerWith(useCase, invoker)(shardEvent(0, 3, 1), ctx());
    expect(invoked.map((e) => e.shard.index)).toEqual([1]);
  });

  it('starts no further shard once the next scheduled run has taken over', async () => {
    const { useCase, runs } = fakeUseCase(60);
    const { invoker, invoked } = capturingInvoker();
    const past = new Date(Date.now() - 1000).toISOString();
    await handlerWith(useCase, invoker)(shardEvent(0, 3, 1, past), ctx());
    expect(runs).toHaveLength(1);
    expect(invoked).toEqual([]);
  });

  it('throws when the next shard cannot be started, so Lambda retries this shard', async () => {
    const { useCase } = fakeUseCase(60);
    const { invoker } = capturingInvoker(() => true);
    await expect(handlerWith(useCase, invoker)(shardEvent(0, 3, 1), ctx())).rejects.toThrow(
      /throttled/,
    );
  });
});

describe('collect handler: event validation', () => {
  const plan = { lanes: 1, offset: 0, notAfter: '2026-03-10T03:05:00.000Z' };

  it.each([
    [{ source: 'friendster' }, /"source", one of/],
    [null, /"source"/],
    [
      { source: 'x', shard: { index: 3, count: 3 }, plan },
      /"shard.index" must be an integer from 0 to 2/,
    ],
    [{ source: 'x', shard: { index: 0, count: 0 }, plan }, /"shard.count"/],
    [{ source: 'x', shard: { index: 0, count: 2 } }, /needs "plan"/],
    [{ source: 'x', plan }, /"shard" must be an object/],
    [{ source: 'x', shard: { index: 0, count: 2 }, plan: { ...plan, lanes: 0 } }, /"plan.lanes"/],
    [{ source: 'demo', shard: { index: 0, count: 2 }, plan, forceBurst: true }, /forceBurst/],
  ])('rejects %j with a ValidationError before any work', async (event, message) => {
    const { useCase, runs } = fakeUseCase(60);
    const { invoker, invoked } = capturingInvoker();
    const run = handlerWith(useCase, invoker)(event, ctx());
    await expect(run).rejects.toThrow(ValidationError);
    await expect(handlerWith(useCase, invoker)(event, ctx())).rejects.toThrow(message);
    expect(runs).toEqual([]);
    expect(invoked).toEqual([]);
  });

  it('keeps the planner event as it was', () => {
    expect(parseEvent({ source: 'rss' })).toEqual({ source: 'rss', forceBurst: false });
    expect(parseEvent({ source: 'demo', forceBurst: true })).toEqual({
      source: 'demo',
      forceBurst: true,
    });
  });
});

describe('collect handler: the schedule the run records with its status', () => {
  /** Handler whose use case factory records the schedule it was given per source. */
  function recording(deps: Parameters<typeof buildCollectHandler>[0] = {}) {
    const { useCase } = fakeUseCase(1);
    const schedules: { source: SourceName; schedule: unknown }[] = [];
    const handler = buildCollectHandler({
      invoker: capturingInvoker().invoker,
      intervalMs: () => INTERVAL_MS,
      useCaseFor: async (source, _burst, schedule) => {
        schedules.push({ source, schedule });
        return { useCase, log: silentLog };
      },
      ...deps,
    });
    return { handler, schedules };
  }

  it('passes the interval the runtime gives for the source, and none for an unscheduled one', async () => {
    const { handler, schedules } = recording({
      expectedEveryMinutes: (source) => (source === 'x' ? 5 : undefined),
    });
    await handler({ source: 'x' }, ctx());
    await handler({ source: 'rss' }, ctx());
    expect(schedules).toEqual([
      { source: 'x', schedule: { expectedEveryMinutes: 5 } },
      { source: 'rss', schedule: {} },
    ]);
  });

  it('reads COLLECT_EVERY_MINUTES by default, and records none when it is not set', async () => {
    const { handler, schedules } = recording();
    try {
      vi.stubEnv('COLLECT_EVERY_MINUTES', '60');
      await handler({ source: 'youtube' }, ctx());
      // Not the 5-minute fallback of the fan-out horizon: a guess would make a source overdue.
      vi.stubEnv('COLLECT_EVERY_MINUTES', undefined);
      await handler({ source: 'youtube' }, ctx());
      vi.stubEnv('COLLECT_EVERY_MINUTES', 'often');
      await handler({ source: 'youtube' }, ctx());
    } finally {
      vi.unstubAllEnvs();
    }
    expect(schedules.map((s) => s.schedule)).toEqual([{ expectedEveryMinutes: 60 }, {}, {}]);
  });
});

describe('Lambda shard invoker', () => {
  // A fake Lambda endpoint on loopback speaking the Invoke API (REST, 2015-03-31).
  const calls: { path: string; type?: string; body: string }[] = [];
  let status = 202;
  let url = '';
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      calls.push({
        path: req.url ?? '',
        type: req.headers['x-amz-invocation-type'] as string | undefined,
        body,
      });
      if (status === 202) {
        res.writeHead(202, { 'x-amz-executed-version': '$LATEST' });
        res.end();
        return;
      }
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'AccessDeniedException',
      });
      res.end(JSON.stringify({ Message: 'not authorized to perform: lambda:InvokeFunction' }));
    });
  });

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const client = () =>
    new LambdaClient({
      endpoint: url,
      region: 'ap-southeast-3',
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    });
  const event: ShardEvent = {
    source: 'x',
    shard: { index: 1, count: 3 },
    plan: { lanes: 1, offset: 0, notAfter: '2026-03-10T03:05:00.000Z' },
  };

  it('invokes the named function asynchronously with the shard event as payload', async () => {
    status = 202;
    calls.length = 0;
    await createLambdaShardInvoker(client(), 'pantau-dev-collect-x').invoke(event);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.path).toBe('/2015-03-31/functions/pantau-dev-collect-x/invocations');
    expect(calls[0]?.type).toBe('Event');
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual(event);
  });

  it('rejects when Lambda refuses the invocation', async () => {
    status = 403;
    await expect(
      createLambdaShardInvoker(client(), 'pantau-dev-collect-x').invoke(event),
    ).rejects.toThrow(/lambda:InvokeFunction/);
  });
});
