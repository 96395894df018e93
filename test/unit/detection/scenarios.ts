/**
 * Synthetic timelines for the detector's scenario tests and the backtest benchmark: 5-minute
 * windows with Poisson counts around an Indonesian daily posting curve, seeded so every run
 * sees the same data, plus the event each scenario adds on its last day.
 */
import type { WindowCounts } from '../../../lib/detection/detector.ts';
import { JAKARTA_PRIOR } from '../../../lib/detection/detector.ts';
import { mulberry32 } from '../../../lib/runtime/seeded-random.ts';

export type ScenarioName =
  | 'abrupt-surge'
  | 'slow-build'
  | 'positive-burst'
  | 'level-shift'
  | 'night-blip'
  | 'massive-surge';

export interface Scenario {
  name: ScenarioName;
  windows: WindowCounts[];
  /** When the event starts (ISO); undefined for none. */
  eventStart: string;
  /** Whether the detector should raise. */
  expectAlert: boolean;
}

function poisson(rng: () => number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 50) {
    // Normal approximation; exact sampling is slow for large means.
    const u = Math.max(rng(), 1e-12);
    const v = rng();
    const n = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * n));
  }
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k += 1;
    p *= rng();
  } while (p > l);
  return k - 1;
}

const PRIOR_MEAN = JAKARTA_PRIOR.reduce((a, b) => a + b, 0) / 24;
/** History before the event day: three days. */
const DAY_MS = 86_400_000;
/** Day 0 starts at 00:00 WIB on 2 March 2026 (17:00 UTC the day before). */
const T0 = Date.parse('2026-03-01T17:00:00.000Z');
const WIDTH = 5 * 60_000;

interface Extra {
  negative: number;
  positive: number;
  neutral: number;
  /** Multiplier of all normal volume. */
  scale: number;
  /** Exactly this many extra negatives (not sampled). */
  fixedNegative: number;
}

function build(
  name: ScenarioName,
  seed: number,
  eventStart: number,
  extra: (t: number) => Partial<Extra>,
  expectAlert: boolean,
  opts: { days?: number; baseTotal?: number } = {},
): Scenario {
  const rng = mulberry32(seed);
  const days = opts.days ?? 4;
  const baseTotal = opts.baseTotal ?? 40;
  const windows: WindowCounts[] = [];
  for (let t = T0; t < T0 + days * DAY_MS; t += WIDTH) {
    const hour = new Date(t + 7 * 3_600_000).getUTCHours();
    const shape = (JAKARTA_PRIOR[hour] as number) / PRIOR_MEAN;
    const x = extra(t);
    const scale = x.scale ?? 1;
    const lam = baseTotal * shape * scale;
    const negative =
      poisson(rng, lam * 0.2) + poisson(rng, x.negative ?? 0) + (x.fixedNegative ?? 0);
    const positive = poisson(rng, lam * 0.3) + poisson(rng, x.positive ?? 0);
    const neutral = poisson(rng, lam * 0.45) + poisson(rng, x.neutral ?? 0);
    const mixed = poisson(rng, lam * 0.05);
    const total = negative + positive + neutral + mixed;
    windows.push({
      start: new Date(t).toISOString(),
      total,
      negative,
      positive,
      neutral,
      mixed,
      engagement: total * 3,
    });
  }
  return { name, windows, eventStart: new Date(eventStart).toISOString(), expectAlert };
}

/** `hours` after 00:00 WIB of day `day`. */
function at(day: number, hours: number): number {
  return T0 + day * DAY_MS + hours * 3_600_000;
}

function scenario(name: ScenarioName, seed = 7): Scenario {
  switch (name) {
    case 'abrupt-surge': {
      // 10:00 WIB: 60 extra negative mentions per window for an hour (a viral complaint).
      const s = at(3, 10);
      return build(
        name,
        seed,
        s,
        (t) => (t >= s && t < s + 3_600_000 ? { negative: 60, neutral: 10 } : {}),
        true,
      );
    }
    case 'slow-build': {
      // From 08:00 WIB extra negatives grow linearly to 30 per window over four hours, then hold.
      const s = at(3, 8);
      return build(
        name,
        seed,
        s,
        (t) => {
          if (t < s) return {};
          const h = Math.min(4, (t - s) / 3_600_000);
          return { negative: 30 * (h / 4) };
        },
        true,
      );
    }
    case 'positive-burst': {
      // 19:00 WIB: a celebrated announcement, 300 extra positive mentions per window for two
      // hours, with the 3% of negative replies such a wave always carries.
      const s = at(3, 19);
      return build(
        name,
        seed,
        s,
        (t) => (t >= s && t < s + 2 * 3_600_000 ? { positive: 300, neutral: 60, negative: 9 } : {}),
        false,
      );
    }
    case 'level-shift': {
      // 12:00 WIB on day 2: a new source doubles all volume for good (same sentiment mix).
      const s = at(2, 12);
      return build(name, seed, s, (t) => (t >= s ? { scale: 2.5 } : {}), false);
    }
    case 'night-blip': {
      // 02:00 WIB: seven negative posts in one window (one angry account), nothing else.
      const s = at(3, 2);
      return build(
        name,
        seed,
        s,
        (t) => (t >= s && t < s + WIDTH ? { fixedNegative: 7 } : {}),
        false,
      );
    }
    case 'massive-surge': {
      // 20:00 WIB: a national scandal, 500 extra negative mentions per window for two hours.
      const s = at(3, 20);
      return build(
        name,
        seed,
        s,
        (t) => (t >= s && t < s + 2 * 3_600_000 ? { negative: 500, neutral: 100 } : {}),
        true,
      );
    }
  }
}

const SCENARIOS: ScenarioName[] = [
  'abrupt-surge',
  'slow-build',
  'positive-burst',
  'level-shift',
  'night-blip',
  'massive-surge',
];

export { at, mulberry32, poisson, SCENARIOS, scenario };
