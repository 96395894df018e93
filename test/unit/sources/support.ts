import type { CollectContext } from '../../../lib/domain/ports.ts';

/** A collection context at `now` with a minute of budget. */
function collectContext(now: Date): CollectContext {
  return { now, deadline: Date.now() + 60_000 };
}

/** The error a promise rejects with; fails the test if it resolves. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

export { collectContext, rejection };
