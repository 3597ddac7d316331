import { Type } from 'typebox';

/** A duration as seconds (number) or text such as `500ms`, `30s`, `2m`, `1h` (k6 style). */
export const Duration = Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.String({ pattern: '^\\d+(\\.\\d+)?(ms|s|m|h)$' })], {
  description: 'seconds, or a string such as "30s" or "2m"',
});

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function durationMs(value: number | string): number {
  if (typeof value === 'number') return value * 1000;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value);
  if (!match) throw new Error(`invalid duration ${value}`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}
