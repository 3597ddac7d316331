import { Type } from 'typebox';
import type { TestEngine } from '../../../src/engines/index.ts';

/** Values the series engine reports next, per URL (each run takes the first; an empty list reports 100). */
export const seriesValues = new Map<string, number[]>();

/**
 * Test only: completes at once with `latency_p95_ms` (and a constant `score`) taken from `seriesValues`,
 * so a suite decides the metric series a schedule's runs produce; `passed` is false above `failAbove`.
 */
export const seriesEngine: TestEngine = {
  name: 'series',
  description: 'test only: reports the next value of a known series',
  options: Type.Object({ failAbove: Type.Number({ default: 1_000_000 }) }, { additionalProperties: false }),
  async run({ url, options }) {
    const queue = seriesValues.get(url) ?? [];
    const value = queue.length ? queue.shift()! : 100;
    const fail = value > (options as { failAbove: number }).failAbove;
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
