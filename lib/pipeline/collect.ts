/**
 * The collect use case, shared by every source: list the active issues that use the source, let
 * the adapter split them into scopes, and for each scope read the cursor, fetch, match every post
 * against each issue's query and languages, store new mentions, and only then move the cursor.
 *
 * Guarantees (DESIGN "Nothing lost, nothing twice"):
 * - a cursor moves only after every mention of its fetch is stored, so a crash or a failed write
 *   re-fetches the same window next time, and conditional writes make that re-run write nothing twice;
 * - one failing scope (feed, issue) is recorded and the others go on;
 * - a rate limit, an exhausted quota or an auth failure stops the source for this run (every scope
 *   shares the credential) and is recorded with its `until`; later runs skip the source until then;
 * - no scope starts when less than `reserveMs` is left before the deadline, so the Lambda stores
 *   what it has and checkpoints before its time budget runs out.
 *
 * A run may cover one shard of the source's scopes only (lib/pipeline/collect-fanout.ts). Shards of
 * one source run at the same time and share its credential, so a sharded run re-reads the source
 * status before each scope (another shard may have hit the rate limit meanwhile) and never clears
 * a stop another shard recorded. Every shard of a run reports under the run's id, and the stored
 * status sums their counts (lib/storage/source-status-repository.ts).
 */
import { createHash } from 'node:crypto';
import {
  errorMessage,
  SourceAuthError,
  SourceQuotaExhaustedError,
  SourceRateLimitedError,
  ValidationError,
} from '../domain/errors.ts';
import type { CollectScope, Repositories, SourceAdapter } from '../domain/ports.ts';
import type {
  Issue,
  Mention,
  Post,
  SourceHealth,
  SourceName,
  SourceStatus,
} from '../domain/types.ts';
import { compileMatcher, type Matcher, normalizeLang } from '../query/index.ts';
import { encodeMentionId, mentionSk } from '../storage/keys.ts';
import { checkShard, newRunId, RUN_ID_PATTERN, type ShardRef, shardOf } from './collect-fanout.ts';

export interface ScopeReport {
  scope: string;
  /** Posts the adapter returned. */
  postsSeen: number;
  /** (post, issue) pairs that matched. */
  matched: number;
  written: number;
  /** Matches already stored (a re-run over the same window). */
  duplicates: number;
  /** Posts rejected as malformed plus a failure of the scope itself. */
  errors: number;
  requests: number;
  cursorAdvanced: boolean;
  /** The scope's issues changed since its cursor was stored, so it was fetched afresh. */
  rematched?: boolean;
  error?: string;
}

export interface CollectReport {
  source: SourceName;
  /** Set when the run covered one shard of the source's scopes. */
  shard?: ShardRef;
  startedAt: string;
  finishedAt: string;
  issues: number;
  scopes: ScopeReport[];
  /** Scopes not attempted because the source stopped (deadline, rate limit, abort). */
  skippedScopes: string[];
  stoppedBy?:
    | 'deadline'
    | 'aborted'
    | 'rate-limited'
    | 'quota-exhausted'
    | 'auth-failed'
    | 'backoff';
  postsSeen: number;
  matched: number;
  written: number;
  duplicates: number;
  errors: number;
  requests: number;
  status: SourceStatus;
}

export interface CollectDeps {
  repos: Pick<Repositories, 'issues' | 'mentions' | 'cursors' | 'sourceStatus'>;
  adapters: Partial<Record<SourceName, SourceAdapter>>;
  now?: () => Date;
  log?: (msg: string, fields?: object) => void;
  /** Time kept free before the deadline to store the last scope's mentions. Default 5,000 ms. */
  reserveMs?: number;
  /** Concurrent conditional writes per scope. Default 16. */
  writeConcurrency?: number;
  /**
   * The source's schedule interval in whole minutes (lib/sources/liveness.ts everyMinutesOf),
   * recorded with the status so a reader can tell a source that stopped running. Undefined when
   * the source runs on no schedule (a run started by hand): it is then never called overdue.
   */
  expectedEveryMinutes?: (source: SourceName) => number | undefined;
}

export interface CollectRunOptions {
  /** Epoch ms by which the run must have returned. Default: 4 minutes from now. */
  deadline?: number;
  signal?: AbortSignal;
  /** Only the scopes of this shard (lib/pipeline/collect-fanout.ts); default: every scope. */
  shard?: ShardRef;
  /**
   * The run this shard belongs to (the planner's `newRunId()`): the stored status sums the counts
   * of every shard reporting under it. Default: a new id, this invocation is a run of its own.
   */
  runId?: string;
}

export interface CollectPlan {
  source: SourceName;
  /** Scope keys of the active issues that use the source, in the adapter's order. */
  scopes: string[];
  /** The stored status when the source is rate-limited or out of quota until a later time. */
  backoff?: SourceStatus;
}

export interface CollectUseCase {
  run(source: SourceName, opts?: CollectRunOptions): Promise<CollectReport>;
  /** What a run would cover, without fetching: the planner of a fanned-out run calls it. */
  plan(source: SourceName): Promise<CollectPlan>;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DEFAULT_BUDGET_MS = 4 * 60_000;

/** Kept in every stored cursor by the use case, never seen by adapters. */
const ISSUE_SET_KEY = 'pantauIssueSet';

/** A short fingerprint of which issues, with which queries, a scope is matched against. */
function issueSetOf(scope: CollectScope): string {
  const parts = scope.issues
    .map((i) => `${i.tenantId}/${i.id}/${i.query}/${(i.languages ?? []).join(',')}`)
    .sort();
  return createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 22);
}

/** Returns a reason when a post cannot become a mention; the store would reject it anyway. */
function postProblem(post: Post, source: SourceName): string | undefined {
  if (!post || typeof post !== 'object') return 'not an object';
  if (post.source !== source) return `source '${String(post.source)}' from the ${source} adapter`;
  if (typeof post.sourceId !== 'string' || post.sourceId === '' || post.sourceId.length > 512) {
    return 'sourceId must be 1-512 characters';
  }
  if (typeof post.createdAt !== 'string' || !ISO_UTC.test(post.createdAt)) {
    return `createdAt '${String(post.createdAt)}' is not ISO-8601 UTC with milliseconds`;
  }
  if (Number.isNaN(Date.parse(post.createdAt))) return `createdAt '${post.createdAt}' is invalid`;
  if (typeof post.text !== 'string') return 'text is missing';
  return undefined;
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

/** A stored status that stops the source until a later time. */
function activeStop(status: SourceStatus | undefined, at: number): SourceStatus | undefined {
  return status?.until &&
    (status.status === 'rate-limited' || status.status === 'quota-exhausted') &&
    Date.parse(status.until) > at
    ? status
    : undefined;
}

function stopKind(error: unknown): 'rate-limited' | 'quota-exhausted' | 'auth-failed' | undefined {
  if (error instanceof SourceRateLimitedError) return 'rate-limited';
  if (error instanceof SourceQuotaExhaustedError) return 'quota-exhausted';
  if (error instanceof SourceAuthError) return 'auth-failed';
  return undefined;
}

/**
 * A rate limit that concerns one scope only (FeedRateLimitedError: one portal of many). Matched by
 * shape so the use case does not depend on any one adapter.
 */
function scopedRetryAt(error: unknown): number | undefined {
  if (error instanceof SourceRateLimitedError || error instanceof SourceQuotaExhaustedError) {
    return undefined;
  }
  const e = error as { code?: unknown; retryAt?: unknown };
  return e?.code === 'rate_limited' && e.retryAt instanceof Date ? e.retryAt.getTime() : undefined;
}

function createCollectUseCase(deps: CollectDeps): CollectUseCase {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? (() => undefined);
  const reserveMs = deps.reserveMs ?? 5_000;
  const writeConcurrency = Math.max(1, deps.writeConcurrency ?? 16);
  const matchers = new Map<string, Matcher>();

  function matcherOf(issue: Issue): Matcher {
    let m = matchers.get(issue.query);
    if (!m) {
      m = compileMatcher(issue.query);
      matchers.set(issue.query, m);
    }
    return m;
  }

  function languageOk(issue: Issue, post: Post): boolean {
    if (!issue.languages || issue.languages.length === 0) return true;
    const lang = normalizeLang(post.lang ?? 'und');
    // An untagged post is kept: the score step detects its language, the API can filter later.
    return lang === 'und' || issue.languages.some((l) => normalizeLang(l) === lang);
  }

  async function runScope(
    source: SourceName,
    adapter: SourceAdapter,
    scope: CollectScope,
    ctx: { now: Date; deadline: number; signal?: AbortSignal },
    report: ScopeReport,
  ): Promise<void> {
    const stored = await deps.repos.cursors.get(source, scope.scope);
    const issueSet = issueSetOf(scope);
    const { [ISSUE_SET_KEY]: storedSet, ...cursor } = stored ?? {};
    // A feed's cursor skips what it already delivered (seen ids, ETag); when the issues matched
    // against the scope changed, start it afresh so a new or edited issue is matched against
    // what the feed still carries. Stored mentions come back as duplicates, never twice.
    const rematch = stored !== undefined && typeof storedSet === 'string' && storedSet !== issueSet;
    if (rematch) {
      report.rematched = true;
      log('collect: issues of the scope changed, fetching it afresh', {
        source,
        scope: scope.scope,
      });
    }
    const result = await adapter.fetch(
      scope,
      stored === undefined || rematch ? undefined : cursor,
      ctx,
    );
    report.requests += result.requests;
    report.postsSeen += result.posts.length;
    const collectedAt = now().toISOString();
    const mentions: Mention[] = [];
    for (const post of result.posts) {
      const problem = postProblem(post, source);
      if (problem) {
        report.errors++;
        report.error = `malformed post ${String(post?.sourceId)}: ${problem}`;
        log('collect: malformed post skipped', { source, scope: scope.scope, problem });
        continue;
      }
      for (const issue of scope.issues) {
        if (!languageOk(issue, post) || !matcherOf(issue)(post)) continue;
        const sk = mentionSk(post.createdAt, post.source, post.sourceId);
        mentions.push({
          ...post,
          tenantId: issue.tenantId,
          issueId: issue.id,
          id: encodeMentionId(issue.id, sk),
          collectedAt,
        });
      }
    }
    report.matched += mentions.length;
    await forEachLimited(mentions, writeConcurrency, async (m) => {
      if (await deps.repos.mentions.putNew(m)) report.written++;
      else report.duplicates++;
    });
    // Only now: every mention of this fetch is stored.
    if (result.cursor) {
      await deps.repos.cursors.put(source, scope.scope, {
        ...result.cursor,
        [ISSUE_SET_KEY]: issueSet,
      });
      report.cursorAdvanced = true;
    }
  }

  function adapterOf(source: SourceName): SourceAdapter {
    const adapter = deps.adapters[source];
    if (!adapter) throw new ValidationError(`No adapter configured for source '${source}'`);
    return adapter;
  }

  async function storedStatus(source: SourceName): Promise<SourceStatus | undefined> {
    return (await deps.repos.sourceStatus.list()).find((s) => s.source === source);
  }

  /** Active issues of the source whose query compiles; a broken one is reported, not thrown. */
  async function activeIssues(
    source: SourceName,
    rejected: (issue: Issue, error: unknown) => void,
  ): Promise<Issue[]> {
    const issues: Issue[] = [];
    for (const issue of await deps.repos.issues.listActive()) {
      if (!issue.sources.includes(source)) continue;
      try {
        matcherOf(issue);
        issues.push(issue);
      } catch (error) {
        rejected(issue, error);
      }
    }
    return issues;
  }

  async function plan(source: SourceName): Promise<CollectPlan> {
    const adapter = adapterOf(source);
    const backoff = activeStop(await storedStatus(source), now().getTime());
    if (backoff) return { source, scopes: [], backoff };
    // A rejected query is reported by the run that would have collected it, not by the plan.
    const issues = await activeIssues(source, () => undefined);
    return {
      source,
      scopes: issues.length > 0 ? adapter.scopes(issues).map((s) => s.scope) : [],
    };
  }

  async function run(source: SourceName, opts: CollectRunOptions = {}): Promise<CollectReport> {
    const started = now();
    const startedAt = started.toISOString();
    // Wall-clock time, like Lambda's remaining time; `now` is the domain clock (tests move it).
    const deadline = opts.deadline ?? Date.now() + DEFAULT_BUDGET_MS;
    const adapter = adapterOf(source);
    const shard = opts.shard;
    if (shard) checkShard(shard);
    if (opts.runId !== undefined && !RUN_ID_PATTERN.test(opts.runId)) {
      throw new ValidationError(`Collect run id '${opts.runId}' is not one newRunId() makes`);
    }
    const runId = opts.runId ?? newRunId();
    const runFields = { runId, shards: 1, shardsPlanned: shard?.count ?? 1 };

    const report: CollectReport = {
      source,
      ...(shard ? { shard } : {}),
      startedAt,
      finishedAt: startedAt,
      issues: 0,
      scopes: [],
      skippedScopes: [],
      postsSeen: 0,
      matched: 0,
      written: 0,
      duplicates: 0,
      errors: 0,
      requests: 0,
      status: {
        source,
        status: 'ok',
        lastRunAt: startedAt,
        postsSeen: 0,
        mentionsWritten: 0,
        ...runFields,
      },
    };

    // A source still under a rate limit or an exhausted quota is left alone until `until`.
    const previous = activeStop(await storedStatus(source), started.getTime());
    if (previous) {
      report.stoppedBy = 'backoff';
      report.status = previous;
      report.finishedAt = now().toISOString();
      log('collect: source backing off', { source, until: previous.until, shard });
      return report;
    }

    const issues = await activeIssues(source, (issue, error) => {
      // Saved queries are validated; one that no longer parses must not stop the others. Only
      // shard 0 reports it, so a fanned-out run counts it once.
      if (shard && shard.index !== 0) return;
      report.errors++;
      report.status.lastError = `issue ${issue.id}: ${errorMessage(error)}`;
      log('collect: issue query rejected', {
        source,
        issueId: issue.id,
        error: errorMessage(error),
      });
    });
    const allScopes = issues.length > 0 ? adapter.scopes(issues) : [];
    const scopes = shard
      ? allScopes.filter((s) => shardOf(s.scope, shard.count) === shard.index)
      : allScopes;
    report.issues = shard
      ? new Set(scopes.flatMap((s) => s.issues.map((i) => `${i.tenantId}/${i.id}`))).size
      : issues.length;

    let health: SourceHealth = 'ok';
    let until: string | undefined;
    let lastError = report.status.lastError;
    let failedScopes = 0;
    const scopeLimits: number[] = [];

    for (const [i, scope] of scopes.entries()) {
      if (opts.signal?.aborted) report.stoppedBy = 'aborted';
      else if (Date.now() >= deadline - reserveMs) report.stoppedBy = 'deadline';
      else if (shard && i > 0) {
        // Another shard of this source may have hit the shared rate limit since this one started.
        const stop = activeStop(await storedStatus(source), now().getTime());
        if (stop) {
          report.stoppedBy = 'backoff';
          health = stop.status;
          until = stop.until;
          log('collect: another shard stopped the source', { source, shard, until });
        }
      }
      if (report.stoppedBy) {
        report.skippedScopes.push(...scopes.slice(i).map((s) => s.scope));
        break;
      }
      const sr: ScopeReport = {
        scope: scope.scope,
        postsSeen: 0,
        matched: 0,
        written: 0,
        duplicates: 0,
        errors: 0,
        requests: 0,
        cursorAdvanced: false,
      };
      report.scopes.push(sr);
      try {
        await runScope(
          source,
          adapter,
          scope,
          {
            now: now(),
            deadline: deadline - reserveMs,
            signal: opts.signal,
          },
          sr,
        );
        if (sr.error) lastError = `${scope.scope}: ${sr.error}`;
      } catch (error) {
        sr.errors++;
        sr.error = errorMessage(error);
        lastError = `${scope.scope}: ${sr.error}`;
        failedScopes++;
        log('collect: scope failed', { source, scope: scope.scope, error: sr.error });
        const scopedRetry = scopedRetryAt(error);
        if (scopedRetry) scopeLimits.push(scopedRetry);
        const kind = stopKind(error);
        if (kind) {
          health = kind;
          if (
            error instanceof SourceRateLimitedError ||
            error instanceof SourceQuotaExhaustedError
          ) {
            until = error.retryAt.toISOString();
          }
          report.stoppedBy = kind;
          report.skippedScopes.push(...scopes.slice(i + 1).map((s) => s.scope));
          break;
        }
      }
    }

    for (const s of report.scopes) {
      report.postsSeen += s.postsSeen;
      report.matched += s.matched;
      report.written += s.written;
      report.duplicates += s.duplicates;
      report.errors += s.errors;
      report.requests += s.requests;
    }
    if (health === 'ok' && failedScopes > 0 && failedScopes === report.scopes.length) {
      // Every scope limited on its own (each RSS portal separately): the source as a whole waits.
      if (scopeLimits.length === failedScopes) {
        health = 'rate-limited';
        until = new Date(Math.min(...scopeLimits)).toISOString();
      } else {
        health = 'error';
      }
    }
    report.finishedAt = now().toISOString();
    const expectedEveryMinutes = deps.expectedEveryMinutes?.(source);
    report.status = {
      source,
      status: health,
      lastRunAt: startedAt,
      ...(until ? { until } : {}),
      ...(lastError ? { lastError: lastError.slice(0, 1000) } : {}),
      postsSeen: report.postsSeen,
      mentionsWritten: report.written,
      ...runFields,
      ...(expectedEveryMinutes !== undefined ? { expectedEveryMinutes } : {}),
    };
    // A shard that ended well must not clear a stop that a concurrent shard recorded meanwhile.
    // The repository enforces it atomically (`now`); this read only makes the report say so.
    const endedAt = now();
    const stored = shard ? activeStop(await storedStatus(source), endedAt.getTime()) : undefined;
    if (stored && !activeStop(report.status, endedAt.getTime())) {
      report.status = { ...report.status, status: stored.status, until: stored.until };
    }
    // This report's counts only: the stored status adds them to the other shards' of the run.
    await deps.repos.sourceStatus.put(
      report.status,
      shard ? { now: endedAt.toISOString() } : undefined,
    );
    log('collect: run finished', {
      source,
      shard,
      runId,
      status: health,
      scopes: report.scopes.length,
      skipped: report.skippedScopes.length,
      postsSeen: report.postsSeen,
      written: report.written,
      duplicates: report.duplicates,
      errors: report.errors,
    });
    return report;
  }

  return { run, plan };
}

export { createCollectUseCase };
