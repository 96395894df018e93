/**
 * Replays a timeline of windows through `advance` the way the live system would see it: one
 * evaluation at the end of every window, with every window since the last settled one. Used by
 * the backtest and the scenario tests, so both run the detector exactly as the detect Lambda.
 */
import { ValidationError } from '../domain/errors.ts';
import { advance, type DetectorEvent, type DetectorState, type WindowCounts } from './detector.ts';
import type { DetectionParams } from './params.ts';

export interface ReplayResult {
  state: DetectorState | undefined;
  events: DetectorEvent[];
  /** Evaluations made (one per window end). */
  steps: number;
}

/**
 * `windows` must be sorted by start (sparse is fine: missing windows count zero). The replay
 * runs on past the last window until it has settled, so an episode still open at the end
 * gets its last evaluations; it is not forced to resolve.
 */
function replayWindows(
  windows: Iterable<WindowCounts>,
  params: DetectionParams,
  onEvent?: (e: DetectorEvent) => void,
): ReplayResult {
  const widthMs = params.windowMinutes * 60000;
  const events: DetectorEvent[] = [];
  let state: DetectorState | undefined;
  let steps = 0;
  const pending: WindowCounts[] = [];
  let clock: number | undefined;
  let lastStart = Number.NEGATIVE_INFINITY;

  const step = (nowMs: number): void => {
    const settled = state?.settledUntil ?? Number.NEGATIVE_INFINITY;
    while (pending.length > 0 && Date.parse((pending[0] as WindowCounts).start) < settled) {
      pending.shift();
    }
    const visible = pending.filter((w) => Date.parse(w.start) < nowMs);
    const r = advance(state, visible, new Date(nowMs), params, { inPlace: true });
    state = r.state;
    steps += 1;
    for (const e of r.events) {
      events.push(e);
      onEvent?.(e);
    }
  };

  for (const w of windows) {
    const ms = Date.parse(w.start);
    if (!Number.isFinite(ms) || ms % widthMs !== 0) {
      throw new ValidationError(`window start '${w.start}' is not aligned`);
    }
    if (ms <= lastStart) throw new ValidationError('replay: windows must be sorted and distinct');
    lastStart = ms;
    if (clock === undefined) clock = ms;
    // Evaluate at the end of every window before this one, gaps included.
    while (clock + widthMs <= ms) {
      clock += widthMs;
      step(clock);
    }
    pending.push(w);
  }
  if (clock !== undefined) {
    const endMs = lastStart + widthMs + params.settleMinutes * 60000 + widthMs;
    while (clock + widthMs <= endMs) {
      clock += widthMs;
      step(clock);
    }
  }
  return { state, events, steps };
}

export { replayWindows };
