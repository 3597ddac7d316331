import { setTimeout as sleep } from 'node:timers/promises';
import { Type } from 'typebox';
import { NonRetryableError, type TestEngine } from '../../../src/engines/engine.ts';

/**
 * Engines that exist only in tests: they sleep, fail on demand or wait for their abort signal, so queue
 * behaviour (priorities, retries, cancel, crash recovery) can be observed without real targets.
 */

function abortable(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => {
    throw signal.reason;
  });
}

/** Sleeps `ms` in ticks of `tickMs`, reporting progress with a per-tick metric on every tick. */
export const sleepEngine: TestEngine = {
  name: 'sleep',
  description: 'test only: sleeps',
  options: Type.Object({ ms: Type.Integer({ minimum: 0, maximum: 120_000, default: 50 }), tickMs: Type.Integer({ minimum: 5, maximum: 10_000, default: 100 }) }, { additionalProperties: false }),
  async run({ options, signal, progress }) {
    const { ms, tickMs } = options as { ms: number; tickMs: number };
    const ticks = Math.max(1, Math.ceil(ms / tickMs));
    for (let i = 1; i <= ticks; i++) {
      await abortable(Math.min(tickMs, ms), signal);
      progress((i / ticks) * 100, `tick ${i}/${ticks}`, { tick: i });
    }
    return { passed: true, score: 100, summary: `slept ${ms} ms`, metrics: { slept_ms: ms, ticks }, findings: [], details: {} };
  },
};

const failures = new Map<string, number>();

/** Fails the first `failTimes` runs for each URL (state per process), then passes. */
export const flakyEngine: TestEngine = {
  name: 'flaky',
  description: 'test only: fails N times',
  options: Type.Object({ failTimes: Type.Integer({ minimum: 0, maximum: 10, default: 1 }) }, { additionalProperties: false }),
  async run({ url, options }) {
    const { failTimes } = options as { failTimes: number };
    const seen = failures.get(url) ?? 0;
    failures.set(url, seen + 1);
    if (seen < failTimes) throw new Error(`flaky failure ${seen + 1} of ${failTimes}`);
    return { passed: true, summary: `passed after ${seen} failures`, metrics: { failures: seen }, findings: [], details: {} };
  },
};

/** Fails in a way retrying cannot fix. */
export const fatalEngine: TestEngine = {
  name: 'fatal',
  description: 'test only: fails non-retryably',
  options: Type.Object({}, { additionalProperties: false }),
  async run() {
    throw new NonRetryableError('the target refused the test');
  },
};

/** Completes with passed=false (a test that ran but failed its thresholds). */
export const thresholdEngine: TestEngine = {
  name: 'below-threshold',
  description: 'test only: completes with passed=false',
  options: Type.Object({}, { additionalProperties: false }),
  async run() {
    return { passed: false, score: 12, summary: 'p95 above threshold', metrics: { latency_p95_ms: 900 }, findings: [{ severity: 'high', title: 'slow', detail: 'p95 900 ms', recommendation: 'cache' }], details: {} };
  },
};

/**
 * Waits for its abort signal (a test that runs until cancelled), or completes at once when `completes`:
 * a crashed worker's fixture hangs, the worker that takes the test over completes it.
 */
export function hangEngine(completes: boolean): TestEngine {
  return {
    name: 'hang',
    description: 'test only: runs until aborted',
    options: Type.Object({}, { additionalProperties: false }),
    async run({ signal, progress }) {
      if (completes) return { passed: true, summary: 'completed on takeover', metrics: {}, findings: [], details: {} };
      progress(1, 'hanging');
      await abortable(600_000, signal);
      throw new Error('unreachable');
    },
  };
}

export const testEngines = (hangCompletes = false): TestEngine[] => [sleepEngine, flakyEngine, fatalEngine, thresholdEngine, hangEngine(hangCompletes)];
