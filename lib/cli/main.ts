/**
 * `pantau <command> [args]`. Each command lives in lib/cli/commands/<command>.ts and exports
 * `run(argv: string[]): Promise<number>` and a one-line `summary`; the exit code is what run returns.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Command {
  run(argv: string[]): Promise<number>;
  summary: string;
}

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function usage(): Promise<string> {
  const lines = ['Usage: pantau <command> [options]', '', 'Commands:'];
  for (const name of commandNames()) {
    const cmd = (await import(join(commandsDir, `${name}.ts`))) as Command;
    lines.push(`  ${name.padEnd(14)} ${cmd.summary}`);
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name ? 0 : 2;
  }
  if (!/^[a-z-]+$/.test(name) || !existsSync(join(commandsDir, `${name}.ts`))) {
    console.error(`pantau: unknown command '${name}'\n\n${await usage()}`);
    return 2;
  }
  const cmd = (await import(join(commandsDir, `${name}.ts`))) as Command;
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`pantau: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
