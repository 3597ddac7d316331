import type { EventBus } from '../../shared/events/index.ts';
import type { TestEventBase } from '../../shared/events/events.ts';
import { AppError } from '../../shared/http/index.ts';
import type { JobContext, JobOutcome } from '../queue/index.ts';
import type { EngineResult } from '../../engines/index.ts';
import type { EngineRunnerPort, ResultEnricherPort, ResultEnrichment } from './ports.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { createProgressReporter } from './progress-reporter.ts';
import type { Attempt, TestRunRepository } from './test-run.repository.ts';

/** Why an attempt stops from outside: the user cancelled it, the worker is shutting down, or the lease was lost. */
export class RunStopped extends Error {
  constructor(readonly reason: 'cancel' | 'shutdown' | 'lost') {
    super(`run stopped: ${reason}`);
    this.name = 'RunStopped';
  }
}

/** What became of one attempt; the queue driver turns it into its own bookkeeping. */
export type RunOutcome = JobOutcome;

/** The queue's job handler for RunTest: `ctx.exclusive` lets an attempt take over a test still shown running. */
export type RunTest = (
  testId: string,
  signal: AbortSignal,
  ctx?: Partial<JobContext<Attempt>>,
) => Promise<RunOutcome>;

/** The queue aborts a job's signal with a StopReason string ('cancel' or 'shutdown'). */
const stopOf = (signal: AbortSignal) => new RunStopped(signal.reason === 'cancel' ? 'cancel' : 'shutdown');

interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RunTestDeps {
  runs: TestRunRepository;
  events: EventBus;
  runner: EngineRunnerPort;
  log: Logger;
  workerId: string;
  attempts: number;
  backoffMs: number;
  /** A running attempt renews its lease at a third of this; an expired lease means a dead worker. */
  leaseMs: number;
  jobTimeoutMs: number;
  progressWriteMs?: number;
  /** Adds derived metrics to a scheduled test's result before it is stored (the schedules module's baselines). */
  enricher?: ResultEnricherPort;
  /** Completes with the result's files (docs/ARTIFACTS.md); absent: files are discarded. */
  artifacts?: ArtifactStore;
}

class JobTimeout extends Error {
  readonly retryable = false;
}

function isRetryable(err: unknown): boolean {
  if (err instanceof AppError) return err.status >= 500;
  return (err as { retryable?: unknown } | null)?.retryable !== false;
}

function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text || 'the engine failed without a message').slice(0, 1000);
}

/** Renews the lease while the engine runs; a lost lease (cancelled, taken over) stops the engine. */
function keepLease(deps: RunTestDeps, testId: string, runId: string, stop: AbortController): () => void {
  const timer = setInterval(
    () => {
      deps.runs.renew(testId, runId, deps.leaseMs).then(
        (owned) => {
          if (!owned && !stop.signal.aborted) stop.abort(new RunStopped('lost'));
        },
        (err: unknown) => deps.log.warn({ err, testId }, 'lease renewal failed'),
      );
    },
    Math.max(100, Math.floor(deps.leaseMs / 3)),
  );
  return () => clearInterval(timer);
}

async function settleFailure(
  deps: RunTestDeps,
  attempt: Attempt,
  base: TestEventBase,
  err: unknown,
): Promise<RunOutcome> {
  const { runId, row } = attempt;
  const reason = err instanceof RunStopped ? err.reason : undefined;
  if (reason === 'cancel') return { kind: 'cancelled' };
  if (reason === 'lost') return { kind: 'skipped' };
  if (reason === 'shutdown') {
    await deps.runs.requeue(row.test_id, runId, 0, null, true);
    return { kind: 'handed-back' };
  }
  const error = messageOf(err);
  if (isRetryable(err) && row.attempts < deps.attempts) {
    const delayMs = deps.backoffMs * 2 ** (row.attempts - 1);
    if (!(await deps.runs.requeue(row.test_id, runId, delayMs, error))) return { kind: 'skipped' };
    void deps.events.publish('TestFailed', {
      ...base,
      runId,
      scheduleId: row.schedule_id,
      error,
      willRetry: true,
    });
    return { kind: 'retry', error, delayMs };
  }
  if (!(await deps.runs.fail(row.test_id, runId, error))) return { kind: 'skipped' };
  void deps.events.publish('TestFailed', {
    ...base,
    runId,
    scheduleId: row.schedule_id,
    tags: row.tags ?? [],
    error,
    willRetry: false,
  });
  return { kind: 'failed', error };
}

/** The enricher's additions for a scheduled test (null for others, or when the enricher failed: logged). */
async function enrich(
  deps: RunTestDeps,
  row: Attempt['row'],
  result: EngineResult,
): Promise<{ result: EngineResult; enrichment: ResultEnrichment | null }> {
  if (!deps.enricher || !row.schedule_id) return { result, enrichment: null };
  const test = { testId: row.test_id, userId: row.user_id, type: row.test_type, scheduleId: row.schedule_id };
  try {
    const enrichment = await deps.enricher.enrich(test, result);
    if (!enrichment) return { result, enrichment };
    const metrics = { ...result.metrics, ...enrichment.metrics };
    return {
      result: { ...result, metrics, details: { ...result.details, ...enrichment.details } },
      enrichment,
    };
  } catch (err) {
    deps.log.warn(
      { err, testId: row.test_id },
      'result enrichment failed; storing the result as the engine gave it',
    );
    return { result, enrichment: null };
  }
}

/**
 * Events are published without waiting: the bus never rejects (it logs), and the Redis round trip would
 * otherwise sit on every job's critical path. Order holds, since one connection publishes them.
 *
 * The run-test job: claim the test, run its engine with progress, store the result exactly once (the
 * result write is fenced by the attempt's run id), publish the lifecycle events, and classify failures
 * into retry or final. The queue driver decides *when* this runs; this decides *what* a run does.
 */
export function createRunTestHandler(deps: RunTestDeps): RunTest {
  return async (testId, signal, ctx = {}) => {
    // Stopped before it started (a worker shutting down): back to the queue untouched.
    if (signal.aborted && !ctx.claimed) return { kind: 'handed-back' };
    // A driver that claims in batches (embedded) hands over the attempt it already started.
    const attempt =
      ctx.claimed ?? (await deps.runs.start(testId, deps.workerId, deps.leaseMs, ctx.exclusive === true));
    if (!attempt) return { kind: 'skipped' };
    const { row, runId } = attempt;
    const base: TestEventBase = { testId, userId: row.user_id, type: row.test_type, url: row.url };
    if (signal.aborted) return settleFailure(deps, attempt, base, stopOf(signal));
    void deps.events.publish('TestStarted', { ...base, attempt: row.attempts });
    const stop = new AbortController();
    const onStop = () => stop.abort(stopOf(signal));
    signal.addEventListener('abort', onStop, { once: true });
    const timeout = setTimeout(
      () => stop.abort(new JobTimeout(`the test ran longer than ${Math.round(deps.jobTimeoutMs / 1000)} s`)),
      deps.jobTimeoutMs,
    );
    const releaseLease = keepLease(deps, testId, runId, stop);
    const reporter = createProgressReporter(
      base,
      deps.events,
      { save: (p, m) => deps.runs.progress(testId, runId, p, m) },
      deps.log,
      deps.progressWriteMs,
    );
    try {
      if (signal.aborted) throw stopOf(signal);
      // Once the attempt is stopped, what its engine still reports (stress flushes its last partial second
      // as it winds down) reaches no one: a TestProgress after TestCancelled would show a cancelled test moving.
      const progress: typeof reporter.report = (...args) => {
        if (!stop.signal.aborted) reporter.report(...args);
      };
      const startedAt = performance.now();
      // The files leave the result here: their bytes never reach the result row, events, cache or realtime.
      const { artifacts: files, ...measured } = await deps.runner.run({
        type: row.test_type,
        url: row.url,
        options: row.config,
        signal: stop.signal,
        progress,
      });
      // An engine that ignores its signal and returns late must not override a cancel.
      if (stop.signal.aborted) throw stop.signal.reason;
      const durationMs = Math.round(performance.now() - startedAt);
      await reporter.flush();
      const { result, enrichment } = await enrich(deps, row, measured);
      const completed = deps.artifacts
        ? await deps.artifacts.complete({ testId, runId, userId: row.user_id }, result, files)
        : await deps.runs.complete(testId, runId, result);
      if (!completed) return { kind: 'skipped' };
      await enrichment
        ?.stored()
        .catch((err: unknown) =>
          deps.log.warn({ err, testId }, 'result enrichment failed after the result was stored'),
        );
      void deps.events.publish('TestCompleted', {
        ...base,
        runId,
        scheduleId: row.schedule_id,
        tags: row.tags ?? [],
        durationMs,
        passed: result.passed ?? null,
        score: result.score ?? null,
        metrics: result.metrics ?? {},
      });
      return { kind: 'completed' };
    } catch (err) {
      await reporter.flush();
      return await settleFailure(deps, attempt, base, stop.signal.aborted ? stop.signal.reason : err);
    } finally {
      clearTimeout(timeout);
      releaseLease();
      signal.removeEventListener('abort', onStop);
    }
  };
}
