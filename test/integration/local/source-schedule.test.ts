/**
 * `npm start`'s wiring of the schedule into the source status: the local runtime runs the demo
 * collector every 90 s, so its status records 2 minutes (rounded up) and the local API reports
 * the source live, with its interval.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceStatusView } from '../../../lib/domain/types.ts';
import { type LocalRuntime, startLocalRuntime } from '../../../lib/local/runtime.ts';
import { silentLog } from '../../../lib/runtime/log.ts';

const TOKEN = `pt_${'source-schedule-test'.padEnd(43, '0')}`;

describe('local runtime: the schedule recorded with the source status', () => {
  let runtime: LocalRuntime | undefined;
  let dataDir = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pantau-schedule-'));
    runtime = await startLocalRuntime({
      port: 0,
      inMemory: true,
      dataDir,
      demoToken: TOKEN,
      schedules: { demo: 90_000 },
      log: silentLog,
    });
  }, 120_000);

  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('records the demo schedule in whole minutes and reports the source live', async () => {
    const rt = runtime as LocalRuntime;
    await rt.collect('demo');
    const res = await fetch(`${rt.url}/v1/sources/status`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: SourceStatusView[] };
    const demo = items.find((s) => s.source === 'demo');
    expect(demo).toMatchObject({
      status: 'ok',
      expectedEveryMinutes: 2,
      overdue: false,
      run: 'complete',
    });
    expect(demo?.overdueSince).toBeUndefined();
  }, 120_000);
});
