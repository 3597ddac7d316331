/** Small parsers for environment values; each throws a message saying what was expected. */

export class ConfigError extends Error {
  constructor(variable: string, expected: string, got: string | undefined) {
    super(`${variable}: expected ${expected}, got ${got === undefined ? 'nothing' : JSON.stringify(got)}`);
    this.name = 'ConfigError';
  }
}

const DURATION = /^(\d+)(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDurationMs(value: string): number | undefined {
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] ?? 's']!;
}

export function parseIntIn(value: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
}

export function parseBool(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no', ''].includes(v)) return false;
  return undefined;
}

export interface RateSpec {
  points: number;
  windowMs: number;
}

export function parseRate(value: string): RateSpec | undefined {
  const [count, window] = value.split('/');
  if (count === undefined || window === undefined) return undefined;
  const points = parseIntIn(count, 1, 1_000_000);
  const windowMs = parseDurationMs(window);
  return points && windowMs ? { points, windowMs } : undefined;
}

type Env = Record<string, string | undefined>;

/** The integer variable `name` of `e`, within [min, max]; throws a ConfigError naming it otherwise. */
export function readInt(e: Env, name: string, min: number, max: number): number {
  const value = e[name];
  const parsed = value === undefined ? undefined : parseIntIn(value, min, max);
  if (parsed === undefined) throw new ConfigError(name, `an integer ${min}–${max}`, value);
  return parsed;
}

/** The duration variable `name` of `e` in ms, within [min, max] ms; throws a ConfigError naming it otherwise. */
export function readDuration(e: Env, name: string, min: number, max: number): number {
  const value = e[name];
  const parsed = value === undefined ? undefined : parseDurationMs(value);
  if (parsed === undefined || parsed < min || parsed > max) {
    throw new ConfigError(
      name,
      `a duration between ${min} ms and ${max / 1000} s, such as 30s or 15m`,
      value,
    );
  }
  return parsed;
}
