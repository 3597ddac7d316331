import { Type } from 'typebox';
import type { TestEngine } from '../../../src/engines/index.ts';

/** Values the series engine reports next, per URL (each run takes the first; an empty list reports 100). */
export const seriesValues = new Map<string, number[]>();

/**
 * Test only: completes at once with `latency_p95_ms` (and `score`) taken from `seriesValues`, so a suite
 * decides the metric series a schedule's runs produce. `passed` is false when the option says so.
 */
export const seriesEngine: TestEngine = {
  name: 'series',
  description: 'test only: reports the next value of a known series',
  options: Type.Object(
    { fail: Type.Boolean({ default: false }), label: Type.Optional(Type.String({ maxLength: 20 })) },
    { additionalProperties: false },
  ),
  async run({ url, options }) {
    const queue = seriesValues.get(url) ?? [];
    const value = queue.length ? queue.shift()! : 100;
    const { fail } = options as { fail: boolean };
    return {
      passed: !fail,
      score: 90,
      summary: fail ? `latency ${value} ms over the threshold` : `latency ${value} ms`,
      metrics: { latency_p95_ms: value, score: 90 },
      findings: [],
      details: { measured: value },
    };
  },
};
