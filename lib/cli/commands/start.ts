/**
 * `pantau start` (= `npm start`): runs the whole flow locally until Ctrl-C.
 */
import { errorMessage } from '../../domain/errors.ts';
import { startLocalRuntime } from '../../local/runtime.ts';
import { createConsoleLog } from '../../runtime/log.ts';

const summary = 'Run Pantau locally: DynamoDB Local, collectors, scoring, detection, API';

const HELP = `Usage: pantau start [--port N] [--data-dir DIR] [--in-memory] [--offline]

Environment: PORT (8787), PANTAU_DATA_DIR (./.pantau), PANTAU_DEMO_TOKEN, PANTAU_OFFLINE=1
(demo source only), PANTAU_DEMO_INTERVAL_SECONDS (30), LOG_LEVEL (info).`;

function parseArgs(argv: string[]) {
  const opts: { port?: number; dataDir?: string; inMemory?: boolean; help?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port') opts.port = Number(argv[++i]);
    else if (arg === '--data-dir') opts.dataDir = argv[++i];
    else if (arg === '--in-memory') opts.inMemory = true;
    else if (arg === '--offline') process.env.PANTAU_OFFLINE = '1';
    else if (arg === '--help' || arg === '-h') opts.help = true;
    else throw new Error(`Unknown option '${arg}'\n\n${HELP}`);
  }
  if (
    opts.port !== undefined &&
    !(Number.isInteger(opts.port) && opts.port >= 0 && opts.port < 65536)
  ) {
    throw new Error('--port must be an integer from 0 to 65535');
  }
  return opts;
}

async function run(argv: string[]): Promise<number> {
  const opts = parseArgs(argv);
  if (opts.help) {
    console.log(HELP);
    return 0;
  }
  const log = createConsoleLog('pantau');
  const started = Date.now();
  const runtime = await startLocalRuntime({ ...opts, log });
  const ms = Date.now() - started;
  process.stdout.write(
    [
      '',
      `Pantau is running (ready in ${(ms / 1000).toFixed(1)} s)`,
      `  API        ${runtime.url}/health`,
      `  Dashboard  ${runtime.url}/?token=${runtime.token}`,
      `  Token      ${runtime.token}   (tenant '${runtime.tenantId}', scopes read/write/admin)`,
      `  Try        curl -H "Authorization: Bearer ${runtime.token}" ${runtime.url}/v1/issues`,
      `  Outbox     ${runtime.outboxFile}`,
      `  Data       ${runtime.dataDir}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info('Stopping', { signal });
      runtime.stop().then(resolveStop, (err: unknown) => {
        log.error('Stop failed', { error: errorMessage(err) });
        resolveStop();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

export { run, summary };
