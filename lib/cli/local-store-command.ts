/**
 * The shell of a CLI command that works on the local data directory: usage on `--help`, the local
 * store opened for the command's length, and exit codes (2 for a usage error, 1 for a failure).
 */
import { errorMessage, ValidationError } from '../domain/errors.ts';
import type { Repositories } from '../domain/ports.ts';
import { openLocalStore } from '../local/store.ts';

/** Where a command writes: the console, or a capture in tests. */
interface Io {
  out(line: string): void;
  err(line: string): void;
}

const consoleIo: Io = { out: (l) => console.log(l), err: (l) => console.error(l) };

async function runWithLocalStore(
  name: string,
  usage: string,
  argv: string[],
  command: (argv: string[], repos: Repositories) => Promise<number>,
): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return argv.length === 0 ? 2 : 0;
  }
  let store: Awaited<ReturnType<typeof openLocalStore>> | undefined;
  try {
    store = await openLocalStore();
    return await command(argv, store.repos);
  } catch (err) {
    console.error(`pantau ${name}: ${errorMessage(err)}\n\n${usage}`);
    return err instanceof ValidationError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
      ? 2
      : 1;
  } finally {
    await store?.close();
  }
}

export type { Io };
export { consoleIo, runWithLocalStore };
