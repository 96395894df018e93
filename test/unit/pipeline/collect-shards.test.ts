/**
 * The collect use case running one shard: it keeps only its own scopes, honours a stop that a
 * concurrent shard records while it runs, and never clears that stop when it ends well. Storage is
 * an in-memory implementation of the ports; the adapter is a scripted source.
 */
import { describe, expect, it } from 'vitest';
import { SourceRateLimitedError, ValidationError } from '../../../lib/domain/errors.ts';
import type { CollectScope, Repositories, SourceAdapter } from '../../../lib/domain/ports.ts';
import type { Issue, Mention, SourceStatus } from '../../../lib/domain/types.ts';
import { createCollectUseCase } from '../../../lib/pipeline/collect.ts';
import { shardOf } from '../../../lib/pipeline/collect-fanout.ts';

const NOW = new Date('2026-03-10T03:00:00.000Z');

function issue(n: number): Issue {
  return {
    tenantId: 't',
    id: `i${n}`,
    name: `i${n}`,
    query: 'banjir',
    sources: ['x'],
    languages: [],
    status: 'active',
    detector: {},
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
  };
}

function memoryRepos(issues: Issue[]) {
  const mentions = new Map<string, Mention>();
  const cursors = new Map<string, Record<string, unknown>>();
  const statuses = new Map<string, SourceStatus>();
  /** Every status written, with its options, in order. */
  const puts: { status: SourceStatus; now?: string }[] = [];
  const repos: Pick<Repositories, 'issues' | 'mentions' | 'cursors' | 'sourceStatus'> = {
    issues: { listActive: async () => issues } as unknown as Repositories['issues'],
    mentions: {
      putNew: async (m: Mention) => {
        if (mentions.has(m.id)) return false;
        mentions.set(m.id, m);
        return true;
      },
    } as unknown as Repositories['mentions'],
    cursors: {
      get: async (s, scope) => cursors.get(`${s}|${scope}`),
      put: async (s, scope, c) => {
        cursors.set(`${s}|${scope}`, c);
      },
    },
    sourceStatus: {
      put: async (st, opts) => {
        puts.push({ status: st, now: opts?.now });
        statuses.set(st.source, st);
      },
      list: async () => [...statuses.values()],
    },
  };
  return { repos, mentions, cursors, statuses, puts };
}

/** An X-like adapter: one scope per issue, one post per fetch; `onFetch` runs before answering. */
function scripted(onFetch: (scope: CollectScope, n: number) => Promise<void> | void): {
  adapter: SourceAdapter;
  fetched: string[];
} {
  const fetched: string[] = [];
  const adapter: SourceAdapter = {
    name: 'x',
    scopes: (issues) => issues.map((i) => ({ scope: `issue:${i.id}`, issues: [i] })),
    async fetch(scope) {
      fetched.push(scope.scope);
      await onFetch(scope, fetched.length);
      return {
        posts: [
          {
            source: 'x',
            sourceId: `p-${scope.scope}`,
            url: '',
            author: {},
            text: 'banjir lagi',
            createdAt: '2026-03-10T02:00:00.000Z',
            lang: 'id',
            engagement: {},
          },
        ],
        cursor: { sinceId: '1' },
        requests: 1,
      };
    },
  };
  return { adapter, fetched };
}

const issues = Array.from({ length: 40 }, (_, n) => issue(n));
const inShard = (index: number, count: number) =>
  issues.map((i) => `issue:${i.id}`).filter((s) => shardOf(s, count) === index);

describe('collect use case: one shard', () => {
  it('collects exactly the scopes of its shard, and the shards together collect every scope', async () => {
    const { repos, mentions } = memoryRepos(issues);
    const all: string[] = [];
    for (let index = 0; index < 4; index++) {
      const { adapter, fetched } = scripted(() => undefined);
      const report = await createCollectUseCase({
        repos,
        adapters: { x: adapter },
        now: () => NOW,
      }).run('x', { shard: { index, count: 4 } });
      expect(fetched).toEqual(inShard(index, 4));
      expect(report.shard).toEqual({ index, count: 4 });
      expect(report.issues).toBe(fetched.length);
      all.push(...fetched);
    }
    expect(all.sort()).toEqual(issues.map((i) => `issue:${i.id}`).sort());
    expect(mentions.size).toBe(40);
  });

  it('stops at the next scope when another shard records a rate limit meanwhile', async () => {
    const { repos, statuses } = memoryRepos(issues);
    const until = new Date(NOW.getTime() + 15 * 60_000).toISOString();
    const { adapter, fetched } = scripted(async (_scope, n) => {
      // While this shard's second scope is fetched, another shard hits the shared limit.
      if (n === 2) {
        await repos.sourceStatus.put({
          source: 'x',
          status: 'rate-limited',
          until,
          lastRunAt: NOW.toISOString(),
          postsSeen: 0,
          mentionsWritten: 0,
        });
      }
    });
    const mine = inShard(1, 2);
    const report = await createCollectUseCase({
      repos,
      adapters: { x: adapter },
      now: () => NOW,
    }).run('x', { shard: { index: 1, count: 2 } });
    expect(fetched).toEqual(mine.slice(0, 2));
    expect(report.stoppedBy).toBe('backoff');
    expect(report.skippedScopes).toEqual(mine.slice(2));
    expect(statuses.get('x')).toMatchObject({ status: 'rate-limited', until });
  });

  it('keeps a stop recorded by another shard during its last scope, though it ended well', async () => {
    const few = issues.slice(0, 1);
    const { repos, statuses } = memoryRepos(few);
    const until = new Date(NOW.getTime() + 60_000).toISOString();
    const { adapter } = scripted(() =>
      repos.sourceStatus.put({
        source: 'x',
        status: 'rate-limited',
        until,
        lastRunAt: NOW.toISOString(),
        postsSeen: 0,
        mentionsWritten: 0,
      }),
    );
    const report = await createCollectUseCase({
      repos,
      adapters: { x: adapter },
      now: () => NOW,
    }).run('x', { shard: { index: 0, count: 1 } });
    expect(report.stoppedBy).toBeUndefined();
    expect(report.written).toBe(1);
    expect(statuses.get('x')).toMatchObject({ status: 'rate-limited', until, mentionsWritten: 1 });
  });

  it('records its own rate limit like an unsharded run', async () => {
    const { repos, statuses } = memoryRepos(issues);
    const retryAt = new Date(NOW.getTime() + 900_000);
    const { adapter, fetched } = scripted(() => {
      throw new SourceRateLimitedError('x', retryAt);
    });
    const report = await createCollectUseCase({
      repos,
      adapters: { x: adapter },
      now: () => NOW,
    }).run('x', { shard: { index: 0, count: 3 } });
    expect(fetched).toHaveLength(1);
    expect(report.stoppedBy).toBe('rate-limited');
    expect(statuses.get('x')).toMatchObject({
      status: 'rate-limited',
      until: retryAt.toISOString(),
    });
  });

  it('reports each shard under the run id it was given, with its own counts only', async () => {
    const { repos, puts } = memoryRepos(issues);
    const runId = '2026-03-10T02:59:59.000Z~00000000000a';
    for (const index of [0, 1, 2]) {
      const { adapter } = scripted(() => undefined);
      await createCollectUseCase({ repos, adapters: { x: adapter }, now: () => NOW }).run('x', {
        shard: { index, count: 3 },
        runId,
      });
    }
    expect(puts.map((p) => p.status.runId)).toEqual([runId, runId, runId]);
    // One post per scope of the shard: each write carries that shard's figures, not a total.
    expect(puts.map((p) => p.status.postsSeen)).toEqual([0, 1, 2].map((i) => inShard(i, 3).length));
    expect(puts.map((p) => p.status.mentionsWritten)).toEqual(
      [0, 1, 2].map((i) => inShard(i, 3).length),
    );
    for (const p of puts) {
      expect(p.status).toMatchObject({ shards: 1, shardsPlanned: 3 });
      // A shard asks the repository to keep a stop another shard stored meanwhile.
      expect(p.now).toBe(NOW.toISOString());
    }
  });

  it('makes a run id of its own when given none: an unsharded run, or a shard event from before run ids', async () => {
    const { repos, puts } = memoryRepos(issues);
    const { adapter } = scripted(() => undefined);
    const useCase = createCollectUseCase({ repos, adapters: { x: adapter }, now: () => NOW });
    await useCase.run('x');
    await useCase.run('x');
    await useCase.run('x', { shard: { index: 0, count: 2 } });
    const ids = puts.map((p) => p.status.runId as string);
    expect(new Set(ids).size).toBe(3);
    // Later runs sort later, so the stored status replaces the older run's counts.
    expect([...ids].sort()).toEqual(ids);
    expect(puts[0]?.status).toMatchObject({ shards: 1, shardsPlanned: 1, postsSeen: 40 });
    expect(puts[0]?.now).toBeUndefined();
    expect(puts[2]?.status).toMatchObject({ shards: 1, shardsPlanned: 2 });
  });

  it('rejects a malformed run id before any request', async () => {
    const { repos, puts } = memoryRepos(issues);
    const { adapter, fetched } = scripted(() => undefined);
    const useCase = createCollectUseCase({ repos, adapters: { x: adapter }, now: () => NOW });
    await expect(
      useCase.run('x', { shard: { index: 0, count: 2 }, runId: 'yesterday' }),
    ).rejects.toThrow(ValidationError);
    expect(fetched).toEqual([]);
    expect(puts).toEqual([]);
  });

  it('rejects an invalid shard before any request', async () => {
    const { repos } = memoryRepos(issues);
    const { adapter, fetched } = scripted(() => undefined);
    const useCase = createCollectUseCase({ repos, adapters: { x: adapter }, now: () => NOW });
    await expect(useCase.run('x', { shard: { index: 3, count: 3 } })).rejects.toThrow(
      ValidationError,
    );
    await expect(useCase.run('x', { shard: { index: 0, count: 0 } })).rejects.toThrow(
      ValidationError,
    );
    expect(fetched).toEqual([]);
  });

  it('plans without fetching: the scope keys, or the backoff', async () => {
    const { repos } = memoryRepos(issues);
    const { adapter, fetched } = scripted(() => undefined);
    const useCase = createCollectUseCase({ repos, adapters: { x: adapter }, now: () => NOW });
    expect((await useCase.plan('x')).scopes).toHaveLength(40);
    await repos.sourceStatus.put({
      source: 'x',
      status: 'quota-exhausted',
      until: new Date(NOW.getTime() + 1000).toISOString(),
      lastRunAt: NOW.toISOString(),
      postsSeen: 0,
      mentionsWritten: 0,
    });
    const plan = await useCase.plan('x');
    expect(plan.scopes).toEqual([]);
    expect(plan.backoff?.status).toBe('quota-exhausted');
    expect(fetched).toEqual([]);
  });
});
