/**
 * Detector parameters: the shared DetectorParams of lib/domain/types.ts plus the knobs only the
 * detector reads. Defaults are chosen for a new issue with little history (see docs/alerts.md).
 */
import { ValidationError } from '../domain/errors.ts';
import type { DetectorParams } from '../domain/types.ts';

/**
 * The detector's parameters are the domain's DetectorParams (lib/domain/types.ts documents each);
 * `minNegative` is read as the minimum EXCESS of negatives over the baseline.
 */
export type DetectionParams = DetectorParams;

const DEFAULT_DETECTOR_PARAMS: Readonly<DetectionParams> = Object.freeze({
  windowMinutes: 5,
  minNegative: 12,
  cooldownMinutes: 60,
  waspadaZ: 4,
  siagaZ: 8,
  awasZ: 16,
  alpha: 0.02,
  minNegativeShare: 0.3,
  resolveAfterWindows: 6,
  settleMinutes: 15,
  warmupWindows: 12,
  waspadaRatio: 2,
  siagaRatio: 4,
  awasRatio: 8,
  shareLift: 1.5,
  shareZ: 4,
  seasonGamma: 0.02,
  slowScaleMinutes: 60,
});

const WINDOW_MINUTES = [5, 10, 15, 20, 30, 60];

type Rule = { min: number; max: number; integer?: boolean };

const RULES: Record<keyof DetectionParams, Rule> = {
  windowMinutes: { min: 5, max: 60, integer: true },
  minNegative: { min: 1, max: 1_000_000, integer: true },
  cooldownMinutes: { min: 0, max: 7 * 24 * 60 },
  waspadaZ: { min: 0.5, max: 1000 },
  siagaZ: { min: 0.5, max: 1000 },
  awasZ: { min: 0.5, max: 1000 },
  alpha: { min: 0.0001, max: 1 },
  minNegativeShare: { min: 0, max: 1 },
  resolveAfterWindows: { min: 1, max: 10_000, integer: true },
  settleMinutes: { min: 0, max: 24 * 60 },
  warmupWindows: { min: 0, max: 100_000, integer: true },
  waspadaRatio: { min: 1, max: 1000 },
  siagaRatio: { min: 1, max: 1000 },
  awasRatio: { min: 1, max: 1000 },
  shareLift: { min: 0, max: 100 },
  shareZ: { min: 0, max: 100 },
  seasonGamma: { min: 0, max: 1 },
  slowScaleMinutes: { min: 5, max: 6 * 60, integer: true },
};

/**
 * Merges an issue's overrides over the defaults and checks them. Unknown keys and out-of-range
 * values fail with a ValidationError naming every offending field, so a typo in an issue's
 * detector settings never silently falls back to a default.
 */
function resolveParams(overrides: Partial<DetectionParams> | undefined | null): DetectionParams {
  const problems: string[] = [];
  const merged: DetectionParams = { ...DEFAULT_DETECTOR_PARAMS };
  if (overrides !== undefined && overrides !== null) {
    if (typeof overrides !== 'object' || Array.isArray(overrides)) {
      throw new ValidationError('detector parameters must be an object');
    }
    for (const [key, value] of Object.entries(overrides)) {
      if (value === undefined) continue;
      const rule = RULES[key as keyof DetectionParams];
      if (!rule) {
        problems.push(`${key}: unknown parameter`);
        continue;
      }
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        problems.push(`${key}: must be a finite number`);
        continue;
      }
      if (value < rule.min || value > rule.max) {
        problems.push(`${key}: must be between ${rule.min} and ${rule.max}`);
        continue;
      }
      if (rule.integer && !Number.isInteger(value)) {
        problems.push(`${key}: must be an integer`);
        continue;
      }
      merged[key as keyof DetectionParams] = value;
    }
  }
  if (!WINDOW_MINUTES.includes(merged.windowMinutes)) {
    problems.push(`windowMinutes: must be one of ${WINDOW_MINUTES.join(', ')}`);
  }
  if (!(merged.waspadaZ <= merged.siagaZ && merged.siagaZ <= merged.awasZ)) {
    problems.push('waspadaZ <= siagaZ <= awasZ must hold');
  }
  if (!(merged.waspadaRatio <= merged.siagaRatio && merged.siagaRatio <= merged.awasRatio)) {
    problems.push('waspadaRatio <= siagaRatio <= awasRatio must hold');
  }
  if (merged.slowScaleMinutes % merged.windowMinutes !== 0) {
    problems.push('slowScaleMinutes: must be a multiple of windowMinutes');
  }
  if (problems.length > 0) {
    throw new ValidationError(`invalid detector parameters: ${problems.join('; ')}`, problems);
  }
  return merged;
}

export { DEFAULT_DETECTOR_PARAMS, resolveParams };
