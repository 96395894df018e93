/**
 * The crisis detector: pure, deterministic, no I/O. The live detect use case and the backtest
 * both call `advance` with the windows they have and the time it is; the returned state is
 * JSON and goes back into storage as is.
 *
 * Method (details and figures in docs/alerts.md):
 * - Baseline: an exponentially weighted level and mean deviation of negative mentions per
 *   window, deseasonalised by a multiplicative time-of-day profile in Asia/Jakarta hours
 *   (Holt-Winters style). The profile starts from a prior of Indonesian posting hours and is
 *   learnt from the total volume. Early on the weights are a running mean, so a new
 *   issue learns its level within its first hour.
 * - Grade: a window is graded by how far its negatives are above the expectation (z-score
 *   with a Poisson floor on the deviation), by the ratio to the expectation, and by its
 *   negative share, which must be above both a floor and the issue's own normal share. Two
 *   scales are graded: the single window (abrupt surges) and the sum over the slow scale
 *   (an hour by default: crises that build over hours while the baseline follows them).
 * - Learning: only settled windows are learnt from, once each. Windows in a suspect state
 *   (graded, or in an open episode) are clamped to the expectation so a crisis never becomes
 *   the normal level; a level shift of all volume keeps its share and is learnt.
 * - Episodes: one open episode per issue; raise, escalate when a higher level than any seen in
 *   the episode is reached, resolve after `resolveAfterWindows` calm settled windows, then a
 *   cooldown in which only a higher level than the last episode's may open a new one.
 */

import { emptyCounts } from '../domain/counts.ts';
import { ValidationError } from '../domain/errors.ts';
import type { AlertLevel, BucketCounts } from '../domain/types.ts';
import { levelRank } from '../domain/types.ts';
import type { DetectionParams } from './params.ts';

export interface WindowCounts extends BucketCounts {
  /** ISO-8601 UTC start of the window, aligned to the window width. */
  start: string;
}

/** A settled window kept for the slow scale and the trend. */
interface RingEntry {
  /** Start, epoch ms. */
  s: number;
  neg: number;
  tot: number;
  exp: number;
  sd: number;
}

interface Episode {
  start: string;
  /** Highest level notified in this episode. */
  maxLevel: AlertLevel;
  /** Level of the most recent graded evaluation (de-escalation shows here). */
  level: AlertLevel;
  raisedAt: string;
  calm: number;
  peakNegative: number;
}

export interface DetectorState {
  v: 1;
  windowMinutes: number;
  /** Epoch ms: windows starting before this are settled and learnt. */
  settledUntil: number;
  /** Settled windows learnt. */
  n: number;
  /** Deseasonalised level and mean absolute deviation of negatives per window. */
  negLevel: number;
  negDev: number;
  /** Deseasonalised level of total mentions per window. */
  totLevel: number;
  /** Weighted sums for the normal negative share. */
  shareNeg: number;
  shareTot: number;
  /** Time-of-day profile, one factor per Jakarta hour (normalised on use). */
  season: number[];
  ring: RingEntry[];
  episode: Episode | null;
  lastResolvedAt: string | null;
  lastMaxLevel: AlertLevel | null;
}

export type DetectorEventType = 'raised' | 'escalated' | 'resolved';

export interface DetectorEvent {
  type: DetectorEventType;
  level: AlertLevel;
  episodeStart: string;
  /** When the live system raises it: the `now` of the call. */
  at: string;
  /** 'window' for a single window, 'slow' for the slow-scale sum. */
  scale: 'window' | 'slow';
  windowStart: string;
  windowEnd: string;
  negative: number;
  total: number;
  baseline: number;
  deviation: number;
  ratio: number;
  negativeShare: number;
  /** Negative mentions per window, oldest first, up to the triggering window. */
  trend: number[];
  reason: string;
}

export interface AdvanceResult {
  state: DetectorState;
  events: DetectorEvent[];
}

/**
 * Relative posting volume per Jakarta hour (0..23): quiet at night, peaks in the morning and the
 * evening. A prior only; each issue's own profile replaces it as it is learnt.
 */
const JAKARTA_PRIOR = [
  0.45, 0.3, 0.22, 0.2, 0.3, 0.55, 0.85, 1.15, 1.35, 1.4, 1.35, 1.25, 1.15, 1.15, 1.15, 1.1, 1.05,
  1.05, 1.15, 1.35, 1.5, 1.5, 1.25, 0.8,
];

const JAKARTA_OFFSET_MS = 7 * 3_600_000;
const RING_SIZE = 36;
/** Cap on windows learnt in one call (a week of 5-minute windows); older gaps are skipped. */
const MAX_CATCH_UP = 2016;
const TREND_WINDOWS = 36;

function initialState(windowMinutes: number, settledUntil: number): DetectorState {
  const mean = JAKARTA_PRIOR.reduce((a, b) => a + b, 0) / 24;
  return {
    v: 1,
    windowMinutes,
    settledUntil,
    n: 0,
    negLevel: 0,
    negDev: 0,
    totLevel: 0,
    shareNeg: 0,
    shareTot: 0,
    season: JAKARTA_PRIOR.map((x) => x / mean),
    ring: [],
    episode: null,
    lastResolvedAt: null,
    lastMaxLevel: null,
  };
}

function jakartaHour(ms: number): number {
  return new Date(ms + JAKARTA_OFFSET_MS).getUTCHours();
}

function seasonMean(state: DetectorState): number {
  let sum = 0;
  for (const x of state.season) sum += x;
  return sum / 24;
}

function seasonFactor(state: DetectorState, ms: number, mean = seasonMean(state)): number {
  const f = (state.season[jakartaHour(ms)] ?? mean) / (mean || 1);
  return Math.min(5, Math.max(0.1, f));
}

interface Expectation {
  exp: number;
  sd: number;
}

function expectation(state: DetectorState, ms: number): Expectation {
  const s = seasonFactor(state, ms);
  const exp = Math.max(0, state.negLevel * s);
  // 1.25 × mean absolute deviation estimates a standard deviation. Counts are at least Poisson;
  // the +1 keeps the Gaussian z from overstating the upper tail of small Poisson counts.
  const sd = Math.max(1.25 * state.negDev * s, Math.sqrt(exp) + 1);
  return { exp, sd };
}

function normalShare(state: DetectorState): number {
  return state.shareTot > 0 ? state.shareNeg / state.shareTot : 0;
}

interface Grade {
  level: AlertLevel | null;
  z: number;
  ratio: number;
  share: number;
  /** Binomial z of the share against the normal share. */
  shareZ: number;
  /** The share gate holds: a departure of negatives, not of all volume. */
  shareElevated: boolean;
}

const LEVELS_DESC: AlertLevel[] = ['AWAS', 'SIAGA', 'WASPADA'];

function grade(
  neg: number,
  tot: number,
  exp: number,
  sd: number,
  scale: 'window' | 'slow',
  state: DetectorState,
  p: DetectionParams,
): Grade {
  const share = tot > 0 ? neg / Math.max(tot, neg) : 0;
  const z = (neg - exp) / sd;
  const ratio = neg / Math.max(exp, 1);
  const p0 = normalShare(state);
  // A level shift of all volume keeps the share within binomial noise of normal; a crisis
  // moves it by many standard errors.
  const se = Math.sqrt(Math.max(p0 * (1 - p0), 0.01) / Math.max(tot, 1));
  const shareZ = (share - p0) / se;
  const shareElevated =
    share >= Math.max(p.minNegativeShare, p0 * p.shareLift) && shareZ >= p.shareZ;
  // An hour that stays high is stronger evidence than one window, so the slow scale needs only
  // half the ratio excess; its minimum volume is three windows' worth.
  const minNeg = scale === 'window' ? p.minNegative : p.minNegative * 3;
  const r = (x: number) => (scale === 'window' ? x : 1 + (x - 1) / 2);
  let level: AlertLevel | null = null;
  if (neg - exp >= minNeg && shareElevated && state.n >= p.warmupWindows) {
    const need: Record<AlertLevel, [number, number]> = {
      AWAS: [p.awasZ, r(p.awasRatio)],
      SIAGA: [p.siagaZ, r(p.siagaRatio)],
      WASPADA: [p.waspadaZ, r(p.waspadaRatio)],
    };
    for (const l of LEVELS_DESC) {
      const [zMin, rMin] = need[l];
      if (z >= zMin && ratio >= rMin) {
        level = l;
        break;
      }
    }
  }
  return { level, z, ratio, share, shareZ, shareElevated };
}

/** One graded candidate, in time order, fed to the episode machine. */
interface Candidate {
  scale: 'window' | 'slow';
  startMs: number;
  endMs: number;
  neg: number;
  tot: number;
  exp: number;
  sd: number;
  g: Grade;
  trend: number[];
  /** A settled window: counts towards resolution. */
  settled: boolean;
  /** Too old to raise on (history learnt on a first run or after a gap). */
  stale: boolean;
}

function indexWindows(windows: WindowCounts[], widthMs: number): Map<number, BucketCounts> {
  const byStart = new Map<number, BucketCounts>();
  for (const w of windows) {
    const ms = Date.parse(w.start);
    if (!Number.isFinite(ms) || ms % widthMs !== 0) {
      throw new ValidationError(`window start '${w.start}' is not aligned to ${widthMs / 60000}m`);
    }
    const acc = byStart.get(ms) ?? emptyCounts();
    acc.total += w.total;
    acc.positive += w.positive;
    acc.negative += w.negative;
    acc.neutral += w.neutral;
    acc.mixed += w.mixed;
    acc.engagement += w.engagement;
    byStart.set(ms, acc);
  }
  return byStart;
}

function learn(state: DetectorState, c: Candidate, p: DetectionParams): void {
  const s = seasonFactor(state, c.startMs);
  const a = Math.max(p.alpha, 1 / (state.n + 1));
  // Suspect: graded, in an episode, or already drifting up with a raised share (a slow build
  // must not be learnt as normal before it is graded). A suspect window pulls the level up by
  // at most one deviation's worth, so a crisis is learnt only very slowly, yet a lasting new
  // normal is still reached in the end. During warm-up everything is learnt: there is no
  // baseline yet to be suspicious against.
  const warm = state.n >= p.warmupWindows;
  const suspect =
    warm &&
    (c.g.level !== null ||
      state.episode !== null ||
      (c.g.z > 2 && (c.g.shareZ > 2 || c.g.shareElevated)));
  const negObs = suspect ? Math.min(c.neg, c.exp + c.sd) : c.neg;
  const dev = Math.abs(negObs / s - state.negLevel);
  state.negDev = state.n === 0 ? dev : (1 - a) * state.negDev + a * dev;
  state.negLevel = (1 - a) * state.negLevel + a * (negObs / s);
  if (!suspect) {
    state.totLevel = (1 - a) * state.totLevel + a * (c.tot / s);
    state.shareNeg = (1 - a) * state.shareNeg + a * c.neg;
    state.shareTot = (1 - a) * state.shareTot + a * c.tot;
    // The profile is learnt from total volume, which is large enough to be stable; below half
    // a mention per window the ratios are noise.
    if (state.totLevel >= 0.5 && p.seasonGamma > 0) {
      const h = jakartaHour(c.startMs);
      const mean = seasonMean(state);
      const observed = Math.min(10, Math.max(0.05, c.tot / state.totLevel)) * mean;
      state.season[h] = (1 - p.seasonGamma) * (state.season[h] ?? mean) + p.seasonGamma * observed;
    }
  }
  state.n += 1;
  state.ring.push({ s: c.startMs, neg: c.neg, tot: c.tot, exp: c.exp, sd: c.sd });
  const keep = Math.max(RING_SIZE, p.slowScaleMinutes / p.windowMinutes);
  if (state.ring.length > keep) state.ring.splice(0, state.ring.length - keep);
  if (state.n <= p.warmupWindows) robustWarmup(state);
}

/**
 * During warm-up the negative level and deviation are the median and the median absolute
 * deviation of the windows seen so far, not a running mean. A running mean started on an issue
 * created during a storm (or with a burst in its first hour) would take the burst as normal and
 * stay deaf to the next one for hours; the median ignores it. The normal negative share and the
 * total volume come from the windows that are not outliers against that level, for the same
 * reason: a burst is mostly negative and several times the volume, so in a plain mean it would
 * raise the normal share until the share gate refused the next burst (a 15-minute burst in a
 * 2-hour history took the normal share from 0.33 to 0.63). Afterwards the EWMA takes over from
 * these robust values.
 */
function robustWarmup(state: DetectorState): void {
  const mean = seasonMean(state);
  const recent = state.ring.slice(-state.n);
  const factors = recent.map((r) => seasonFactor(state, r.s, mean));
  const xs = recent.map((r, i) => r.neg / (factors[i] as number));
  if (xs.length === 0) return;
  const level = median(xs);
  // MAD scaled to a mean absolute deviation (normal data: 0.7979 / 0.6745), the EWMA's measure.
  const mad = median(xs.map((x) => Math.abs(x - level))) * 1.183;
  state.negLevel = level;
  state.negDev = mad;
  // Outlier: four of the detector's own deviations above the level (grade()'s sd, unseasoned).
  const limit = level + 4 * Math.max(1.25 * mad, Math.sqrt(level) + 1);
  let neg = 0;
  let tot = 0;
  let totLevel = 0;
  let kept = 0;
  recent.forEach((r, i) => {
    if ((xs[i] as number) > limit) return;
    neg += r.neg;
    tot += r.tot;
    totLevel += r.tot / (factors[i] as number);
    kept += 1;
  });
  if (kept === 0) return;
  state.shareNeg = neg / kept;
  state.shareTot = tot / kept;
  state.totLevel = totLevel / kept;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Slow scale: the sum of the last `k` windows against the sum of their expectations. */
function slowCandidate(
  state: DetectorState,
  recent: RingEntry[],
  k: number,
  widthMs: number,
  p: DetectionParams,
  settled: boolean,
  stale: boolean,
): Candidate | undefined {
  const span = recent.slice(-k);
  if (span.length < k) return undefined;
  let neg = 0;
  let tot = 0;
  let exp = 0;
  let variance = 0;
  for (const e of span) {
    neg += e.neg;
    tot += e.tot;
    exp += e.exp;
    variance += e.sd * e.sd;
  }
  const sd = Math.sqrt(variance);
  const first = span[0] as RingEntry;
  const last = span[span.length - 1] as RingEntry;
  return {
    scale: 'slow',
    startMs: first.s,
    endMs: last.s + widthMs,
    neg,
    tot,
    exp,
    sd,
    g: grade(neg, tot, exp, sd, 'slow', state, p),
    trend: [],
    settled,
    stale,
  };
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function reasonOf(c: Candidate, widthMinutes: number): string {
  const span =
    c.scale === 'window' ? `${widthMinutes} min` : `${(c.endMs - c.startMs) / 60000} min`;
  return (
    `${c.neg} negative in ${span} vs baseline ${round(c.exp, 1)}±${round(c.sd, 1)} ` +
    `(z ${round(c.g.z, 1)}, ${round(c.g.ratio, 1)}x), negative share ${Math.round(c.g.share * 100)}%`
  );
}

function eventOf(
  type: DetectorEventType,
  level: AlertLevel,
  episodeStart: string,
  nowIso: string,
  c: Candidate,
  widthMinutes: number,
): DetectorEvent {
  return {
    type,
    level,
    episodeStart,
    at: nowIso,
    scale: c.scale,
    windowStart: new Date(c.startMs).toISOString(),
    windowEnd: new Date(c.endMs).toISOString(),
    negative: c.neg,
    total: c.tot,
    baseline: round(c.exp),
    deviation: round(c.sd),
    ratio: round(c.g.ratio),
    negativeShare: round(c.g.share, 3),
    trend: c.trend,
    reason: reasonOf(c, widthMinutes),
  };
}

/**
 * Runs the episode machine over one group: the candidates of one instant (a window and its
 * slow scale), taken together with the stronger one deciding, so one evaluation never both
 * raises and escalates.
 */
function runEpisodes(
  state: DetectorState,
  group: Candidate[],
  nowIso: string,
  p: DetectionParams,
  events: DetectorEvent[],
): void {
  {
    let best: Candidate | undefined;
    for (const c of group) {
      if (c.g.level === null) continue;
      if (!best || levelRank(c.g.level) > levelRank(best.g.level as AlertLevel)) best = c;
    }
    const level = best?.g.level ?? null;
    const settled = group.some((c) => c.settled);
    const ep = state.episode;
    if (ep) {
      if (best && level && levelRank(level) > levelRank(ep.maxLevel) && !best.stale) {
        ep.maxLevel = level;
        events.push(eventOf('escalated', level, ep.start, nowIso, best, p.windowMinutes));
      }
      if (level) ep.level = level;
      for (const c of group)
        if (c.scale === 'window') ep.peakNegative = Math.max(ep.peakNegative, c.neg);
      if (settled) {
        ep.calm = level === null ? ep.calm + 1 : 0;
        if (ep.calm >= p.resolveAfterWindows) {
          const last = group.find((c) => c.scale === 'window') ?? (group[0] as Candidate);
          events.push(eventOf('resolved', ep.maxLevel, ep.start, nowIso, last, p.windowMinutes));
          state.lastResolvedAt = new Date(last.endMs).toISOString();
          state.lastMaxLevel = ep.maxLevel;
          state.episode = null;
        }
      }
      return;
    }
    if (!best || !level || best.stale) return;
    const cooling =
      state.lastResolvedAt !== null &&
      best.endMs - Date.parse(state.lastResolvedAt) < p.cooldownMinutes * 60000 &&
      state.lastMaxLevel !== null &&
      levelRank(level) <= levelRank(state.lastMaxLevel);
    if (cooling) return;
    const start = new Date(best.startMs).toISOString();
    state.episode = {
      start,
      maxLevel: level,
      level,
      raisedAt: nowIso,
      calm: 0,
      peakNegative: best.neg,
    };
    events.push(eventOf('raised', level, start, nowIso, best, p.windowMinutes));
  }
}

/**
 * One step of the detector.
 *
 * `windows` are the windows (any subset, sparse: a missing window counts zero) that
 * started after `state.settledUntil`; the last one may be the current, partial window. Windows
 * that ended at least `settleMinutes` before `now` are learnt once; the others are only
 * graded. Calling `advance` again with the same or more data never raises the same
 * (episode, level) twice, because the episode is in the state.
 */
function advance(
  prior: DetectorState | undefined,
  windows: WindowCounts[],
  now: Date,
  p: DetectionParams,
  opts: { inPlace?: boolean } = {},
): AdvanceResult {
  const widthMs = p.windowMinutes * 60000;
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new ValidationError('advance: invalid now');
  const nowIso = now.toISOString();
  const byStart = indexWindows(windows, widthMs);
  // The window containing `now - 1 ms`: at exactly 10:05 the window 10:00-10:05 is the current one.
  const currentStart = Math.floor((nowMs - 1) / widthMs) * widthMs;
  const settleLimit = nowMs - p.settleMinutes * 60000;

  let state: DetectorState;
  if (prior && isState(prior) && prior.windowMinutes === p.windowMinutes) {
    // In place only for callers that own the state (the replay): saves a copy per step.
    state = opts.inPlace ? prior : structuredClone(prior);
  } else {
    let first = currentStart;
    for (const ms of byStart.keys()) if (ms < first) first = ms;
    state = initialState(p.windowMinutes, first);
  }

  const slowK = p.slowScaleMinutes / p.windowMinutes;
  const events: DetectorEvent[] = [];
  // Trends are copied only when an event may need them (a graded candidate or an open episode).
  const decide = (group: Candidate[], recent: RingEntry[]) => {
    if (state.episode !== null || group.some((c) => c.g.level !== null)) {
      const trend = recent.slice(-TREND_WINDOWS).map((e) => e.neg);
      for (const c of group) c.trend = trend;
    }
    runEpisodes(state, group, nowIso, p, events);
  };
  // Windows from here on that end before the settle limit are settled; raising on them is
  // allowed only if they are recent (a catch-up over old history must not page anyone).
  let from = state.settledUntil;
  const lastSettledStart = Math.floor((settleLimit - widthMs) / widthMs) * widthMs;
  if ((lastSettledStart - from) / widthMs > MAX_CATCH_UP) {
    from = lastSettledStart - (MAX_CATCH_UP - 1) * widthMs;
  }
  const staleBefore = settleLimit - 2 * widthMs;
  for (let t = from; t <= lastSettledStart && t <= currentStart; t += widthMs) {
    const counts = byStart.get(t) ?? emptyCounts();
    const { exp, sd } = expectation(state, t);
    const neg = counts.negative;
    const tot = counts.total;
    const stale = t + widthMs < staleBefore;
    const c: Candidate = {
      scale: 'window',
      startMs: t,
      endMs: t + widthMs,
      neg,
      tot,
      exp,
      sd,
      g: grade(neg, tot, exp, sd, 'window', state, p),
      trend: [],
      settled: true,
      stale,
    };
    learn(state, c, p);
    state.settledUntil = t + widthMs;
    const group = [c];
    const slow = slowCandidate(state, state.ring, slowK, widthMs, p, true, stale);
    if (slow) group.push(slow);
    decide(group, state.ring);
  }

  // Unsettled windows: graded against the current baseline, never learnt.
  const open: RingEntry[] = [];
  for (let t = state.settledUntil; t <= currentStart; t += widthMs) {
    const counts = byStart.get(t) ?? emptyCounts();
    const { exp, sd } = expectation(state, t);
    const entry = { s: t, neg: counts.negative, tot: counts.total, exp, sd };
    open.push(entry);
    const recent = [...state.ring, ...open];
    const c: Candidate = {
      scale: 'window',
      startMs: t,
      endMs: t + widthMs,
      neg: entry.neg,
      tot: entry.tot,
      exp,
      sd,
      g: grade(entry.neg, entry.tot, exp, sd, 'window', state, p),
      trend: [],
      settled: false,
      stale: false,
    };
    const group = [c];
    const slow = slowCandidate(state, recent, slowK, widthMs, p, false, false);
    if (slow) group.push(slow);
    decide(group, recent);
  }
  return { state, events };
}

function isState(value: unknown): value is DetectorState {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<DetectorState>;
  return (
    s.v === 1 &&
    typeof s.settledUntil === 'number' &&
    Array.isArray(s.season) &&
    s.season.length === 24 &&
    Array.isArray(s.ring)
  );
}

/**
 * Sums 5-minute buckets (or any finer windows) into detector windows of `windowMinutes`,
 * aligned to multiples of the width since the epoch, oldest first.
 */
function toWindows(buckets: WindowCounts[], windowMinutes: number): WindowCounts[] {
  const widthMs = windowMinutes * 60000;
  const byStart = new Map<number, BucketCounts>();
  for (const b of buckets) {
    const ms = Date.parse(b.start);
    if (!Number.isFinite(ms)) throw new ValidationError(`bucket start '${b.start}' is not a date`);
    const key = Math.floor(ms / widthMs) * widthMs;
    const acc = byStart.get(key) ?? emptyCounts();
    acc.total += b.total;
    acc.positive += b.positive;
    acc.negative += b.negative;
    acc.neutral += b.neutral;
    acc.mixed += b.mixed;
    acc.engagement += b.engagement;
    byStart.set(key, acc);
  }
  return [...byStart.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([ms, c]) => ({ start: new Date(ms).toISOString(), ...c }));
}

/** Where the next call's windows must start (the first unsettled window), or undefined. */
function nextWindowStart(state: unknown): string | undefined {
  return isState(state) ? new Date(state.settledUntil).toISOString() : undefined;
}

export { advance, isState, JAKARTA_PRIOR, nextWindowStart, toWindows };
