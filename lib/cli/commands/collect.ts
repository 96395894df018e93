/**
 * `pantau collect`: run one collection by hand. With --dry-run it reads the real source through
 * its real adapter, matches the posts against --query and prints them as JSON lines on stdout
 * (a status line goes to stderr), writing nothing. Without --dry-run it runs the collect use case
 * for every active issue of the local store (`pantau start`'s data), exactly as the scheduler does.
 */
import { errorMessage, PantauError, ValidationError } from '../../domain/errors.ts';
import type { CollectScope } from '../../domain/ports.ts';
import { type Issue, SOURCE_NAMES, type SourceName } from '../../domain/types.ts';
import { compileForSource, compileMatcher, parseQuery } from '../../query/index.ts';
import { createCredentialStore } from '../../sources/credentials.ts';
import { createSourceAdapter } from '../../sources/registry.ts';

const summary = 'Collect from one source now (--dry-run prints matching posts, writes nothing)';

const USAGE = `Usage: pantau collect --source SOURCE [--query "<issue query>"] [options]
  --source S      ${SOURCE_NAMES.join(' | ')}
  --query Q       issue query (required with --dry-run), e.g. '("harga beras" OR #beras) -impor'
  --feed URL      RSS/Atom feed to read (repeatable; default: the maintained portal list)
  --endpoint URL  base URL of the source's API (a fake server, a Mastodon instance, ...)
  --since ISO     only posts created at or after this time
  --lang CODES    keep these languages only, comma-separated (e.g. id,en)
  --dry-run       print matching posts as JSON lines on stdout; write nothing
  --force-burst   demo source: add a NEGATIVE burst to this run
  --seed N        demo source: generator seed
Without --dry-run: runs the collect use case on the local store for every active issue that
uses the source and prints the run's report as JSON.
Exit code: 0; 1 when every scope failed; 2 on bad usage.`;

interface Args {
  source?: SourceName;
  query?: string;
  feeds: string[];
  endpoint?: string;
  since?: string;
  langs: string[];
  dryRun: boolean;
  forceBurst: boolean;
  seed?: number;
}

function parseArgs(argv: string[]): Args | 'help' {
  const args: Args = { feeds: [], langs: [], dryRun: false, forceBurst: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new ValidationError(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--help':
      case '-h':
        return 'help';
      case '--source': {
        const s = value();
        if (!(SOURCE_NAMES as readonly string[]).includes(s)) {
          throw new ValidationError(
            `--source must be one of ${SOURCE_NAMES.join(', ')}, got '${s}'`,
          );
        }
        args.source = s as SourceName;
        break;
      }
      case '--query':
        args.query = value();
        break;
      case '--feed':
        args.feeds.push(value());
        break;
      case '--endpoint':
        args.endpoint = value();
        break;
      case '--since': {
        const v = value();
        const t = Date.parse(v);
        if (Number.isNaN(t)) throw new ValidationError(`--since '${v}' is not an ISO-8601 time`);
        args.since = new Date(t).toISOString();
        break;
      }
      case '--lang':
        args.langs = value()
          .split(',')
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean);
        break;
      case '--dry-run':
        args.dryRun = true;
        break;
      case '--force-burst':
        args.forceBurst = true;
        break;
      case '--seed': {
        const v = Number(value());
        if (!Number.isInteger(v)) throw new ValidationError('--seed must be an integer');
        args.seed = v;
        break;
      }
      default:
        throw new ValidationError(`unknown option '${a}'`);
    }
  }
  return args;
}

function adapterFor(args: Args) {
  const source = args.source as SourceName;
  return createSourceAdapter(source, {
    credentials: createCredentialStore(),
    endpoints: args.endpoint ? { [source]: args.endpoint } : undefined,
    feeds: args.feeds.length > 0 ? args.feeds : undefined,
    demo: { seed: args.seed, forceBurst: args.forceBurst },
    env: process.env,
  });
}

async function dryRun(args: Args): Promise<number> {
  const source = args.source as SourceName;
  // `pantau collect ... | head` closes stdout early: that is the reader's choice, not a failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  if (!args.query) throw new ValidationError('--dry-run needs --query');
  const node = parseQuery(args.query);
  const native = compileForSource(node, source);
  const match = compileMatcher(node);
  const now = new Date();
  const issue: Issue = {
    tenantId: 'cli',
    id: 'dry-run',
    name: 'dry run',
    query: args.query,
    sources: [source],
    languages: args.langs,
    status: 'active',
    detector: {},
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const adapter = adapterFor(args);
  const scopes: CollectScope[] = adapter.scopes([issue]);
  const deadline = Date.now() + 120_000;
  let seen = 0;
  let matched = 0;
  let requests = 0;
  let failed = 0;
  const errors: string[] = [];
  for (const scope of scopes) {
    try {
      const res = await adapter.fetch(scope, undefined, { now, deadline });
      requests += res.requests;
      seen += res.posts.length;
      for (const post of res.posts) {
        if (args.since && post.createdAt < args.since) continue;
        if (args.langs.length > 0 && !args.langs.includes(post.lang)) continue;
        if (!match(post)) continue;
        matched++;
        process.stdout.write(`${JSON.stringify(post)}\n`);
      }
    } catch (error) {
      failed++;
      errors.push(`${scope.scope}: ${errorMessage(error)}`);
    }
  }
  const parts = [
    `collect ${source} (dry run)`,
    native ? `native query: ${native}` : 'matched locally',
    `${scopes.length} scope(s)`,
    `${requests} request(s)`,
    `${seen} post(s) seen`,
    `${matched} matching`,
    `${failed} failed`,
  ];
  process.stderr.write(`${parts.join(' | ')}\n`);
  for (const e of errors) process.stderr.write(`  error ${e}\n`);
  return scopes.length > 0 && failed === scopes.length ? 1 : 0;
}

async function collectIntoStore(args: Args): Promise<number> {
  const source = args.source as SourceName;
  const [{ openLocalStore }, { createCollectUseCase }] = await Promise.all([
    import('../../local/store.ts'),
    import('../../pipeline/collect.ts'),
  ]);
  const store = await openLocalStore();
  try {
    const collect = createCollectUseCase({
      repos: store.repos,
      adapters: { [source]: adapterFor(args) },
      log: (msg, fields) => process.stderr.write(`${msg} ${JSON.stringify(fields ?? {})}\n`),
    });
    const report = await collect.run(source);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    const failed = report.scopes.filter((s) => s.error && !s.cursorAdvanced).length;
    return report.scopes.length > 0 && failed === report.scopes.length ? 1 : 0;
  } finally {
    await store.close();
  }
}

async function run(argv: string[]): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
    if (args === 'help') {
      console.log(USAGE);
      return 0;
    }
    if (!args.source) throw new ValidationError('--source is required');
    if (args.query) parseQuery(args.query);
  } catch (error) {
    process.stderr.write(`pantau collect: ${errorMessage(error)}\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return args.dryRun ? await dryRun(args) : await collectIntoStore(args);
  } catch (error) {
    if (error instanceof PantauError && error.status < 500) {
      process.stderr.write(`pantau collect: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

export { run, summary };
