/**
 * The local stand-in for EventBridge Scheduler: runs each collector on its rate. A run that is
 * still going when its next tick comes is not started twice (a collector checkpoints per scope,
 * so the next run simply picks up where this one stops). A failed run is logged and retried, like
 * Lambda's asynchronous retries, after a short delay, then waits for its next tick.
 */
import { errorMessage } from '../domain/errors.ts';
import type { Log } from '../runtime/log.ts';

export interface LocalSchedule {
  name: string;
  everyMs: number;
  /** Delay before the first run; 0 runs at start. */
  firstRunDelayMs?: number;
  /** Retries of a failed run before waiting for the next tick (Lambda async default: 2). */
  retries?: number;
  run: () => Promise<void>;
}

export interface LocalScheduler {
  /** Runs a schedule now (or waits for the run in progress) and resolves when it ends. */
  runNow(name: string): Promise<void>;
  stop(): Promise<void>;
}

function startScheduler(schedules: LocalSchedule[], log: Log): LocalScheduler {
  const timers: NodeJS.Timeout[] = [];
  const inFlight = new Map<string, Promise<void>>();
  let stopped = false;

  const execute = (s: LocalSchedule): Promise<void> => {
    const running = inFlight.get(s.name);
    if (running) return running;
    const task = (async () => {
      const attempts = (s.retries ?? 2) + 1;
      for (let attempt = 1; attempt <= attempts && !stopped; attempt++) {
        try {
          await s.run();
          return;
        } catch (err) {
          log.error('Scheduled run failed', {
            schedule: s.name,
            attempt,
            error: errorMessage(err),
          });
          if (attempt < attempts) await new Promise((r) => setTimeout(r, 1000 * attempt));
        }
      }
    })().finally(() => inFlight.delete(s.name));
    inFlight.set(s.name, task);
    return task;
  };

  for (const s of schedules) {
    const first = setTimeout(() => {
      if (stopped) return;
      void execute(s);
      const every = setInterval(() => {
        if (!stopped) void execute(s);
      }, s.everyMs);
      timers.push(every);
    }, s.firstRunDelayMs ?? 0);
    timers.push(first);
  }

  return {
    runNow(name) {
      const s = schedules.find((x) => x.name === name);
      if (!s) return Promise.reject(new Error(`No schedule named ${name}`));
      return execute(s);
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}

export { startScheduler };
