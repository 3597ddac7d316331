import { Type } from 'typebox';

/** A duration above zero as seconds (number) or text such as `500ms`, `30s`, `2m`, `1h` (k6 style). */
export const Duration = Type.Union(
  [
    Type.Number({ exclusiveMinimum: 0 }),
    // The lookahead wants a non-zero digit: "0s" and "0.0m" are no duration.
    Type.String({
      maxLength: 20,
      pattern: '^(?=[0.]*[1-9])\\d+(\\.\\d+)?(ms|s|m|h)$',
      errorMessage: { pattern: 'must be a duration above zero such as "500ms", "30s", "2m" or "1h"' },
    }),
  ],
  { description: 'seconds, or a string such as "30s" or "2m"' },
);

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function durationMs(value: number | string): number {
  if (typeof value === 'number') return value * 1000;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value);
  if (!match) throw new Error(`invalid duration ${value}`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}
