import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { StressAggregate, type SecondStats } from './stress-aggregate.ts';
import type { LoadConfig, StopMessage, WorkerMessage } from './worker-protocol.ts';

/** After a cancel, workers get this long to stop by themselves before they are terminated. */
const ABORT_GRACE_MS = 1000;

// Under tsx (dev, tests) the worker is the .ts source loaded through tsx; in a dist/ build the
// compiled .js sibling runs directly.
function workerSpec(): { url: URL; execArgv: string[] } {
  if (!import.meta.url.endsWith('.ts')) return { url: new URL('./stress-worker.js', import.meta.url), execArgv: [] };
  let tsx = 'tsx';
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    // import.meta.resolve is missing under some loaders; the bare name resolves from the cwd.
  }
  return { url: new URL('./stress-worker.ts', import.meta.url), execArgv: ['--import', tsx] };
}

export interface LoadRun {
  aggregate: StressAggregate;
  elapsedMs: number;
}

/**
 * Runs the load in worker threads, feeding each completed second to `onSecond`. On abort, workers drop
 * their connections at once and are terminated after ABORT_GRACE_MS at the latest, so all traffic stops
 * well within the 2 s the contract allows; the promise then rejects with the signal's reason.
 */
export function runLoad(configs: LoadConfig[], signal: AbortSignal, maxRunMs: number, onSecond: (s: SecondStats, aggregate: StressAggregate) => void): Promise<LoadRun> {
  const aggregate = new StressAggregate(configs.length);
  const spec = workerSpec();
  const start = performance.now();
  let end = start;
  let fatal: Error | null = null;
  return new Promise<LoadRun>((resolve, reject) => {
    const workers = configs.map((workerData) => new Worker(spec.url, { workerData, execArgv: spec.execArgv }));
    let exited = 0;
    const stopAll = (abort: boolean) => {
      for (const w of workers) w.postMessage({ type: 'stop', abort } satisfies StopMessage);
      setTimeout(() => workers.forEach((w) => void w.terminate()), abort ? ABORT_GRACE_MS : 5000).unref();
    };
    const onAbort = () => stopAll(true);
    signal.addEventListener('abort', onAbort, { once: true });
    // A safety net: a worker that never ends by itself is stopped after the planned time plus margins.
    const watchdog = setTimeout(() => stopAll(false), maxRunMs);
    for (const worker of workers) {
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'fatal') {
          fatal ??= new Error(message.message);
          return;
        }
        end = performance.now();
        for (const second of aggregate.add(message)) onSecond(second, aggregate);
        if (message.final) void worker.terminate();
      });
      worker.on('error', (err) => (fatal ??= err));
      worker.on('exit', () => {
        if (++exited < workers.length) return;
        clearTimeout(watchdog);
        signal.removeEventListener('abort', onAbort);
        for (const second of aggregate.flush(true)) onSecond(second, aggregate);
        if (signal.aborted) reject(signal.reason);
        else if (fatal) reject(fatal);
        else resolve({ aggregate, elapsedMs: end - start });
      });
    }
  });
}
