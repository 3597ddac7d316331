import { setTimeout as sleep } from 'node:timers/promises';
import { Type } from 'typebox';
import { NonRetryableError, type TestEngine } from '../../../src/engines/engine.ts';
import { ServiceUnavailableError, ValidationError } from '../../../src/shared/http/errors.ts';

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
  options: Type.Object(
    {
      ms: Type.Integer({ minimum: 0, maximum: 120_000, default: 50 }),
      tickMs: Type.Integer({ minimum: 5, maximum: 10_000, default: 100 }),
    },
    { additionalProperties: false },
  ),
  async run({ options, signal, progress }) {
    const { ms, tickMs } = options as { ms: number; tickMs: number };
    const ticks = Math.max(1, Math.ceil(ms / tickMs));
    for (let i = 1; i <= ticks; i++) {
      await abortable(Math.min(tickMs, ms), signal);
      progress((i / ticks) * 100, `tick ${i}/${ticks}`, { tick: i });
    }
    return {
      passed: true,
      score: 100,
      summary: `slept ${ms} ms`,
      metrics: { slept_ms: ms, ticks },
      findings: [],
      details: {},
    };
  },
};

const failures = new Map<string, number>();

/** When each run of the flaky engine ran (it fails or passes at once), per URL: what a target would see. */
export const flakyRuns = new Map<string, number[]>();

/** Fails the first `failTimes` runs for each URL (state per process), then passes. */
export const flakyEngine: TestEngine = {
  name: 'flaky',
  description: 'test only: fails N times',
  options: Type.Object(
    { failTimes: Type.Integer({ minimum: 0, maximum: 10, default: 1 }) },
    { additionalProperties: false },
  ),
  async run({ url, options }) {
    const { failTimes } = options as { failTimes: number };
    const seen = failures.get(url) ?? 0;
    failures.set(url, seen + 1);
    flakyRuns.set(url, [...(flakyRuns.get(url) ?? []), Date.now()]);
    if (seen < failTimes) throw new Error(`flaky failure ${seen + 1} of ${failTimes}`);
    return {
      passed: true,
      summary: `passed after ${seen} failures`,
      metrics: { failures: seen },
      findings: [],
      details: {},
    };
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

/** Throws an AppError of the given status, as code on the engine path might: 4xx cannot be fixed by retrying, 5xx can. */
export const appErrorEngine: TestEngine = {
  name: 'app-error',
  description: 'test only: throws a 400 or 503 AppError',
  options: Type.Object(
    { status: Type.Union([Type.Literal(400), Type.Literal(503)]) },
    { additionalProperties: false },
  ),
  async run({ options }) {
    const { status } = options as { status: 400 | 503 };
    throw status === 400
      ? new ValidationError('the engine path refused its input (400)')
      : new ServiceUnavailableError('a dependency was unavailable (503)');
  },
};

/** Completes with passed=false (a test that ran but failed its thresholds). */
export const thresholdEngine: TestEngine = {
  name: 'below-threshold',
  description: 'test only: completes with passed=false',
  options: Type.Object({}, { additionalProperties: false }),
  async run() {
    return {
      passed: false,
      score: 12,
      summary: 'p95 above threshold',
      metrics: { latency_p95_ms: 900 },
      findings: [{ severity: 'high', title: 'slow', detail: 'p95 900 ms', recommendation: 'cache' }],
      details: {},
    };
  },
};

/** When (and why) a hanging engine saw its signal abort, per URL. */
export const hangAborts = new Map<string, { at: number; reason: unknown }>();

const hangRuns = new Map<string, number>();

/**
 * Waits for its abort signal (a test that runs until cancelled), or completes at once when `completes`:
 * a crashed worker's fixture hangs, the worker that takes the test over completes it. With `failFirst`, the
 * first run for a URL fails (retryably) at once, so the hanging run is a test's second attempt.
 */
export function hangEngine(completes: boolean): TestEngine {
  return {
    name: 'hang',
    description: 'test only: runs until aborted',
    options: Type.Object({ failFirst: Type.Boolean({ default: false }) }, { additionalProperties: false }),
    async run({ url, options, signal, progress }) {
      if (completes)
        return { passed: true, summary: 'completed on takeover', metrics: {}, findings: [], details: {} };
      const run = (hangRuns.get(url) ?? 0) + 1;
      hangRuns.set(url, run);
      if ((options as { failFirst: boolean }).failFirst && run === 1) throw new Error('first run fails');
      signal.addEventListener('abort', () => hangAborts.set(url, { at: Date.now(), reason: signal.reason }), {
        once: true,
      });
      progress(1, 'hanging');
      await abortable(600_000, signal);
      throw new Error('unreachable');
    },
  };
}

/** What a gated run does once released: report this progress, then return this summary (or throw `fail`). */
export interface GateRelease {
  progress: number;
  message: string;
  summary: string;
  fail?: string;
}

export interface GatedRun {
  startedAt: number;
  /** Whether the run's signal had aborted by the time it was released. */
  abortedBeforeRelease?: boolean;
  release(what: GateRelease): void;
}

/** Every run of the gate engine, per URL, in start order (runs of every app in this test process). */
export const gatedRuns = new Map<string, GatedRun[]>();

/**
 * Blocks until the test releases it, ignoring its abort signal — a worker too slow to notice anything,
 * whose late progress and result are what run-id fencing must ignore.
 */
export const gateEngine: TestEngine = {
  name: 'gate',
  description: 'test only: blocks until released, ignoring its signal',
  options: Type.Object({}, { additionalProperties: false }),
  async run({ url, signal, progress }) {
    let release!: (what: GateRelease) => void;
    const released = new Promise<GateRelease>((resolve) => (release = resolve));
    const run: GatedRun = {
      startedAt: Date.now(),
      release: (what) => ((run.abortedBeforeRelease = signal.aborted), release(what)),
    };
    gatedRuns.set(url, [...(gatedRuns.get(url) ?? []), run]);
    const what = await released;
    progress(what.progress, what.message);
    if (what.fail) throw new Error(what.fail);
    return { passed: true, summary: what.summary, metrics: {}, findings: [], details: {} };
  },
};

export const testEngines = (hangCompletes = false): TestEngine[] => [
  sleepEngine,
  flakyEngine,
  fatalEngine,
  appErrorEngine,
  thresholdEngine,
  hangEngine(hangCompletes),
  gateEngine,
];
