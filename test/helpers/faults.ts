/**
 * Fault injection for tests: makes a real AWS SDK v3 client (DynamoDB, its DocumentClient, SNS)
 * or a real source adapter fail or slow down on demand, while everything that is let through
 * still reaches the real engine (DynamoDB Local, a fake server on loopback).
 *
 * SDK clients get one middleware on their stack, at the initialize step: a fault there is what the
 * application sees once the SDK has given up (its own retries never see it), and a 'after' fault
 * lets the request reach the service, take effect, and then loses the response, as a timeout on
 * the way back does.
 *
 *   const faults = injectFaults(doc, { seed: 7 });
 *   faults.fail('TransactWriteCommand', { times: 2, error: awsErrors.throughputExceeded });
 *   faults.slow('PutCommand', { ms: 200 });
 *   faults.calls('TransactWriteCommand'); // calls seen, failed or not
 *   faults.clear();
 */
import {
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { InternalErrorException, ThrottledException } from '@aws-sdk/client-sns';
import type { CollectScope, SourceAdapter } from '../../lib/domain/ports.ts';
import { mulberry32 } from '../../lib/runtime/seeded-random.ts';

/** What every AWS SDK v3 client (and a DocumentClient) has. */
interface SdkClient {
  middlewareStack: {
    add(middleware: unknown, options: { step: 'initialize'; name: string; priority: 'high' }): void;
    remove(name: string): boolean;
  };
}

export interface FaultSelector {
  /** Let this many matching calls through before the fault starts. Default 0. */
  after?: number;
  /** Inject on this many matching calls, then let the rest through. Default: every call. */
  times?: number;
  /** Inject on each matching call with this probability (drawn from the seeded generator). */
  probability?: number;
  /** Only calls whose input passes: the command's input as the caller gave it. */
  when?: (input: Record<string, unknown>) => boolean;
}

export interface FailOptions extends FaultSelector {
  /**
   * The error to throw: an instance (thrown as is) or a factory (one per call). Default: DynamoDB's
   * InternalServerError before the request, a socket timeout after it; see `awsErrors`.
   */
  error?: Error | (() => Error);
  /**
   * 'before' (default): the request never reaches the service. 'after': it reaches the service
   * and takes effect, then the response is lost.
   */
  phase?: 'before' | 'after';
}

export interface SlowOptions extends FaultSelector {
  /** Delay of each slowed call. */
  ms?: number;
  /** Hold each slowed call until this settles (a test's gate), on top of `ms`. */
  until?: Promise<unknown>;
}

export interface CallRecord {
  /** Normalised command name, e.g. 'PutItem', 'TransactWriteItems', 'Publish'. */
  command: string;
  outcome: 'passed' | 'failed' | 'slowed';
}

export interface Faults {
  fail(command: string, opts?: FailOptions): Faults;
  slow(command: string, opts: SlowOptions): Faults;
  /** Drops every fault; the client works normally again. Counts are kept. */
  clear(): Faults;
  /** Calls seen of a command (or of all, with no argument), faults included. */
  calls(command?: string): number;
  /** Faults injected into calls of a command (or of all). */
  injected(command?: string): number;
  readonly log: readonly CallRecord[];
  /** Takes the middleware off the client. */
  remove(): void;
}

/** DocumentClient names to the DynamoDB operations the middleware sees. */
const DOCUMENT_ALIASES: Record<string, string> = {
  Put: 'PutItem',
  Get: 'GetItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};

/** 'PutCommand', 'PutItemCommand', 'PutItem' → 'PutItem'; '*' stays. */
function normalizeCommand(name: string): string {
  const bare = name.endsWith('Command') ? name.slice(0, -'Command'.length) : name;
  return DOCUMENT_ALIASES[bare] ?? bare;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sdkMeta(httpStatusCode: number) {
  return { httpStatusCode, requestId: 'fault-injected', attempts: 1, totalRetryDelay: 0 };
}

/** The errors the services and the network really produce, as the SDK surfaces them. */
const awsErrors = {
  throughputExceeded: () =>
    new ProvisionedThroughputExceededException({
      message: 'The level of configured provisioned throughput for the table was exceeded.',
      $metadata: sdkMeta(400),
    }),
  dynamoInternal: () =>
    new InternalServerError({
      message: 'Internal server error',
      $metadata: sdkMeta(500),
    }),
  snsThrottled: () => new ThrottledException({ message: 'Rate exceeded', $metadata: sdkMeta(400) }),
  snsInternal: () =>
    new InternalErrorException({ message: 'Internal Error', $metadata: sdkMeta(500) }),
  /** What the Node HTTP handler throws when a socket times out. */
  timeout: () =>
    Object.assign(new Error('Connection timed out after 3000 ms'), {
      name: 'TimeoutError',
      code: 'ETIMEDOUT',
    }),
};

interface Rule {
  command: string;
  kind: 'fail' | 'slow';
  selector: FaultSelector;
  error?: Error | (() => Error);
  phase: 'before' | 'after';
  ms: number;
  until?: Promise<unknown>;
  seen: number;
  hits: number;
}

/** The bookkeeping shared by the SDK and the source wrappers: which call gets which fault. */
function createRuleBook(seed: number, normalize: (name: string) => string) {
  const random = mulberry32(seed);
  let rules: Rule[] = [];
  const log: CallRecord[] = [];

  function applies(rule: Rule, command: string, input: Record<string, unknown>): boolean {
    if (rule.command !== '*' && rule.command !== command) return false;
    if (rule.selector.when && !rule.selector.when(input)) return false;
    rule.seen += 1;
    if (rule.seen <= (rule.selector.after ?? 0)) return false;
    if (rule.selector.times !== undefined && rule.hits >= rule.selector.times) return false;
    if (rule.selector.probability !== undefined && random() >= rule.selector.probability) {
      return false;
    }
    rule.hits += 1;
    return true;
  }

  /** Decides the faults of one call: total delay and the failing rule, if any. */
  function plan(command: string, input: Record<string, unknown>) {
    let delayMs = 0;
    const gates: Promise<unknown>[] = [];
    let failure: Rule | undefined;
    for (const rule of rules) {
      if (rule.kind === 'slow') {
        if (!applies(rule, command, input)) continue;
        delayMs += rule.ms;
        if (rule.until) gates.push(rule.until.catch(() => undefined));
      } else if (!failure && applies(rule, command, input)) {
        failure = rule;
      }
    }
    const slowed = delayMs > 0 || gates.length > 0;
    log.push({ command, outcome: failure ? 'failed' : slowed ? 'slowed' : 'passed' });
    const hold = async () => {
      if (delayMs > 0) await sleep(delayMs);
      await Promise.all(gates);
    };
    return { hold, failure };
  }

  function errorOf(rule: Rule, fallback: () => Error): Error {
    const e = rule.error ?? fallback;
    return typeof e === 'function' ? e() : e;
  }

  const count = (command: string | undefined, outcome?: CallRecord['outcome']) => {
    const name = command === undefined ? undefined : normalize(command);
    return log.filter(
      (c) => (name === undefined || c.command === name) && (!outcome || c.outcome === outcome),
    ).length;
  };

  return {
    log,
    plan,
    errorOf,
    add(rule: Omit<Rule, 'seen' | 'hits'>) {
      rules.push({ ...rule, command: normalize(rule.command), seen: 0, hits: 0 });
    },
    clear() {
      rules = [];
    },
    calls: (command?: string) => count(command),
    injected: (command?: string) => count(command, 'failed'),
  };
}

/** Faults API over a rule book; `remove` is what differs between an SDK client and a source. */
function faultsApi(book: ReturnType<typeof createRuleBook>, remove: () => void): Faults {
  const api: Faults = {
    fail(command, opts = {}) {
      book.add({
        command,
        kind: 'fail',
        selector: opts,
        error: opts.error,
        phase: opts.phase ?? 'before',
        ms: 0,
      });
      return api;
    },
    slow(command, opts) {
      book.add({
        command,
        kind: 'slow',
        selector: opts,
        phase: 'before',
        ms: opts.ms ?? 0,
        until: opts.until,
      });
      return api;
    },
    clear() {
      book.clear();
      return api;
    },
    calls: book.calls,
    injected: book.injected,
    log: book.log,
    remove,
  };
  return api;
}

let installed = 0;

/**
 * Puts a fault middleware on an SDK client. A DocumentClient shares its base client's stack, so
 * faults on either apply to both: give the code under test a client of its own.
 */
function injectFaults(client: SdkClient, opts: { seed?: number } = {}): Faults {
  const book = createRuleBook(opts.seed ?? 1, normalizeCommand);
  installed += 1;
  const name = `pantauFaultInjection${installed}`;
  const middleware =
    (next: (args: { input: Record<string, unknown> }) => Promise<unknown>, context: unknown) =>
    async (args: { input: Record<string, unknown> }) => {
      const command = normalizeCommand(
        (context as { commandName?: string }).commandName ?? 'Unknown',
      );
      const { hold, failure } = book.plan(command, args.input ?? {});
      await hold();
      if (!failure) return next(args);
      if (failure.phase === 'after') {
        await next(args);
        throw book.errorOf(failure, awsErrors.timeout);
      }
      throw book.errorOf(failure, awsErrors.dynamoInternal);
    };
  client.middlewareStack.add(middleware, { step: 'initialize', name, priority: 'high' });
  return faultsApi(book, () => {
    client.middlewareStack.remove(name);
  });
}

/**
 * Wraps a source adapter: faults are chosen per scope (the feed URL, the issue) instead of per
 * command, and apply to `fetch`. Use '*' for every scope.
 */
function faultySource(
  adapter: SourceAdapter,
  opts: { seed?: number } = {},
): { adapter: SourceAdapter; faults: Faults } {
  // Scope names are URLs and ids: taken as they are.
  const book = createRuleBook(opts.seed ?? 1, (scope) => scope);
  const wrapped: SourceAdapter = {
    ...adapter,
    async fetch(scope: CollectScope, cursor, ctx) {
      const { hold, failure } = book.plan(scope.scope, { scope: scope.scope });
      await hold();
      if (!failure) return adapter.fetch(scope, cursor, ctx);
      if (failure.phase === 'after') await adapter.fetch(scope, cursor, ctx);
      throw book.errorOf(failure, awsErrors.timeout);
    },
  };
  return { adapter: wrapped, faults: faultsApi(book, () => undefined) };
}

export { awsErrors, faultySource, injectFaults, normalizeCommand };
