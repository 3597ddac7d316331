import type { AlertCondition } from '../../shared/db/index.ts';

/**
 * `eq` and `neq` compare within this relative tolerance, so 0.1 + 0.2 equals 0.3 and a ratio read back
 * from JSON equals its threshold: |value − threshold| ≤ EPSILON × max(1, |value|, |threshold|). Integers
 * below 2^53 ÷ 10^9 (every count, status code and millisecond figure) are therefore compared exactly.
 */
export const EPSILON = 1e-9;

const close = (a: number, b: number) => Math.abs(a - b) <= EPSILON * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Whether `value` breaches the rule. `absent` breaches when the value is missing (null); every other
 * condition needs a value (the evaluator does not evaluate a rule whose metric a result does not carry).
 */
export function breaches(condition: AlertCondition, value: number | null, threshold: number | null): boolean {
  if (condition === 'absent') return value === null;
  if (value === null || threshold === null || !Number.isFinite(value)) return false;
  switch (condition) {
    case 'gt':
      return value > threshold;
    case 'lt':
      return value < threshold;
    case 'gte':
      return value >= threshold;
    case 'lte':
      return value <= threshold;
    case 'eq':
      return close(value, threshold);
    case 'neq':
      return !close(value, threshold);
  }
}
