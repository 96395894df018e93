import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR_PARAMS, resolveParams } from '../../../lib/detection/index.ts';
import { ValidationError } from '../../../lib/domain/errors.ts';

describe('resolveParams', () => {
  it('returns the defaults for an issue without settings', () => {
    expect(resolveParams({})).toEqual(DEFAULT_DETECTOR_PARAMS);
    expect(resolveParams(undefined)).toEqual(DEFAULT_DETECTOR_PARAMS);
  });

  it('applies overrides field by field', () => {
    const p = resolveParams({ minNegative: 30, windowMinutes: 15, slowScaleMinutes: 120 });
    expect(p.minNegative).toBe(30);
    expect(p.windowMinutes).toBe(15);
    expect(p.slowScaleMinutes).toBe(120);
    expect(p.awasZ).toBe(DEFAULT_DETECTOR_PARAMS.awasZ);
  });

  it('names every bad field in one ValidationError', () => {
    let caught: unknown;
    try {
      resolveParams({ alpha: 2, minNegative: 1.5, windowMinutes: 7, bogus: 1 } as never);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const message = (caught as Error).message;
    expect(message).toContain('alpha');
    expect(message).toContain('minNegative: must be an integer');
    expect(message).toContain('bogus: unknown parameter');
    expect(message).toContain('windowMinutes');
  });

  it('refuses thresholds out of order and non-numbers', () => {
    expect(() => resolveParams({ waspadaZ: 10, siagaZ: 5 })).toThrow(/waspadaZ <= siagaZ/);
    expect(() => resolveParams({ minNegative: '5' as never })).toThrow(/finite number/);
    expect(() => resolveParams({ windowMinutes: 15, slowScaleMinutes: 50 })).toThrow(
      /multiple of windowMinutes/,
    );
    expect(() => resolveParams([] as never)).toThrow(ValidationError);
  });
});
