/**
 * Typed environment getters: a missing required variable fails the cold start and names itself,
 * instead of surfacing later as `undefined` deep inside a request.
 */
import { ConfigError } from '../domain/errors.ts';

type Env = Record<string, string | undefined>;

function getString(name: string, env: Env = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(`Environment variable ${name} is required`);
  }
  return value;
}

function getOptionalString(name: string, env: Env = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

function getNumber(name: string, fallback: number, env: Env = process.env): number {
  const raw = getOptionalString(name, env);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    throw new ConfigError(`Environment variable ${name} must be a number, got '${raw}'`);
  }
  return value;
}

function getBoolean(name: string, fallback: boolean, env: Env = process.env): boolean {
  const raw = getOptionalString(name, env)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`Environment variable ${name} must be true or false, got '${raw}'`);
}

export type { Env };
export { getBoolean, getNumber, getOptionalString, getString };
