/**
 * `npm run bench`: runs every test/bench/*.bench.ts (or the ones named on the command line) and
 * prints their figures. Benchmarks measure; they never pass or fail on a number.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Bench {
  run(): Promise<Record<string, number | string>>;
}

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const file of files) {
  const started = Date.now();
  process.stdout.write(`\n## ${file}\n`);
  try {
    const bench = (await import(join(dir, file))) as Bench;
    const figures = await bench.run();
    for (const [name, value] of Object.entries(figures)) {
      const shown =
        typeof value === 'number' ? Number(value.toFixed(3)).toLocaleString('en-US') : value;
      process.stdout.write(`  ${name.padEnd(48)} ${shown}\n`);
    }
  } catch (err) {
    failed += 1;
    process.stdout.write(
      `  FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.stdout.write(`  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
process.exitCode = failed > 0 ? 1 : 0;
