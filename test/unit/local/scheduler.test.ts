import { describe, expect, it } from 'vitest';
import { startScheduler } from '../../../lib/local/scheduler.ts';
import { silentLog } from '../../../lib/runtime/log.ts';

describe('local scheduler', () => {
  it('never runs the same schedule twice at once and retries a failed run', async () => {
    // Prepare
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const scheduler = startScheduler(
      [
        {
          name: 'demo',
          everyMs: 60_000,
          firstRunDelayMs: 60_000,
          retries: 1,
          run: async () => {
            calls += 1;
            running += 1;
            maxRunning = Math.max(maxRunning, running);
            await new Promise((r) => setTimeout(r, 20));
            running -= 1;
            if (calls === 1) throw new Error('first run fails');
          },
        },
      ],
      silentLog,
    );

    // Act
    await Promise.all([scheduler.runNow('demo'), scheduler.runNow('demo')]);
    await scheduler.stop();

    // Assess: one run, failed once, retried once.
    expect(calls).toBe(2);
    expect(maxRunning).toBe(1);
    await expect(scheduler.runNow('nope')).rejects.toThrow(/No schedule/);
  });
});
