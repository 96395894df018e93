/**
 * The local runtime on a fresh data folder with one demo collection collected and scored: what
 * the dashboard's browser tests and its benchmark run against.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalRuntime, startLocalRuntime } from '../../lib/local/runtime.ts';
import { silentLog } from '../../lib/runtime/log.ts';

interface DemoRuntime {
  runtime: LocalRuntime;
  /** Stops the runtime and removes its data folder. */
  dispose(): Promise<void>;
}

async function startDemoRuntime(token: string, name: string): Promise<DemoRuntime> {
  const dataDir = mkdtempSync(join(tmpdir(), `pantau-${name}-`));
  let runtime: LocalRuntime | undefined;
  const dispose = async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    runtime = await startLocalRuntime({
      port: 0,
      inMemory: true,
      dataDir,
      demoToken: token,
      schedules: {},
      log: silentLog,
    });
    await runtime.collect('demo');
    await runtime.pollers.whenIdle(60_000);
    return { runtime, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

export type { DemoRuntime };
export { startDemoRuntime };
