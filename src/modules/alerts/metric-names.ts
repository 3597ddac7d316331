import type { EngineRegistry } from '../../engines/index.ts';
import { ValidationError } from '../../shared/http/index.ts';
import { SAMPLE_METRICS } from '../monitoring/index.ts';

/** Derived figures of a schedule's runs (the schedules module's baselines), for any engine metric. */
export const DERIVED_SUFFIXES = ['_baseline', '_delta_pct', '_zscore'] as const;
/** Metrics every test result has, whatever its engine. */
export const RESULT_METRICS: Record<string, string> = {
  passed: '1 when the test passed, 0 when it did not or failed to run',
  duration_ms: 'How long the engine ran, ms',
};

const NAME = /^[A-Za-z0-9_.:-]{1,100}$/;

/** Edit distance (Levenshtein), for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The metric names a rule may watch: for a test rule, the catalog of its test type (every engine's when
 * it names none), each with the derived `_baseline`, `_delta_pct` and `_zscore`, plus `passed` and
 * `duration_ms`; for a platform rule, the monitoring sample's figures. A rule scoped to an engine
 * without a catalog (only engines that exist in tests have none) takes any well-formed name.
 */
export function createMetricNames(engines: Pick<EngineRegistry, 'get' | 'types'>) {
  function testNames(testType: string | null): Set<string> | null {
    const types = testType ? [testType] : engines.types();
    const out = new Set(Object.keys(RESULT_METRICS));
    for (const type of types) {
      const catalog = engines.get(type)?.metrics;
      // Only a rule scoped to an engine without a catalog (one that exists in tests) takes any name.
      if (!catalog && testType) return null;
      if (!catalog) continue;
      for (const name of Object.keys(catalog)) {
        out.add(name);
        for (const suffix of DERIVED_SUFFIXES) out.add(`${name}${suffix}`);
      }
    }
    return out;
  }

  return {
    /** Throws a 400 naming `/body/metricName` with the closest known names when `name` is not one. */
    check(name: string, scope: { kind: 'tests' | 'platform'; testType?: string | null }): void {
      const known =
        scope.kind === 'platform' ? new Set(Object.keys(SAMPLE_METRICS)) : testNames(scope.testType ?? null);
      if (known === null ? NAME.test(name) : known.has(name)) return;
      const close = [...(known ?? [])]
        .map((k) => ({ k, d: editDistance(name.toLowerCase(), k.toLowerCase()) }))
        .filter((x) => x.d <= Math.max(2, Math.floor(name.length / 3)) || x.k.includes(name))
        .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
        .slice(0, 5)
        .map((x) => x.k);
      const where = scope.kind === 'platform' ? 'platform samples' : `${scope.testType ?? 'any'} tests`;
      const hint = close.length ? `; did you mean ${close.join(', ')}?` : '';
      throw new ValidationError(`metricName: ${JSON.stringify(name)} is not a metric of ${where}${hint}`, [
        { field: '/body/metricName', message: `is not a metric of ${where}${hint}` },
      ]);
    },
    /** Every name for a scope, for the docs and errors. */
    list: (testType: string | null) => [...(testNames(testType) ?? [])].sort(),
  };
}

export type MetricNames = ReturnType<typeof createMetricNames>;
