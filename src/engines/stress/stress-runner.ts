import { Worker } from 'node:worker_threads';
import { StressAggregate, type SecondStats } from './stress-aggregate.ts';
import type { LoadConfig, StopMessage, WorkerMessage } from './worker-protocol.ts';

/** After a cancel, workers get this long to stop by themselves before they are terminated. */
const ABORT_GRACE_MS = 1000;

// In a dist/ build the compiled .js sibling runs directly. Under tsx (dev, tests) the .ts source is
// loaded through tsx's API from a tiny bootstrap: Node 20 does not apply `--import tsx` from a worker's
// execArgv to the worker's own entry module.
function startWorker(workerData: LoadConfig): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./stress-worker.js', import.meta.url), { workerData });
  const entry = new URL('./stress-worker.ts', import.meta.url).href;
  const api = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
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
export function runLoad(
  configs: LoadConfig[],
  signal: AbortSignal,
  maxRunMs: number,
  onSecond: (s: SecondStats, aggregate: StressAggregate) => void,
): Promise<LoadRun> {
  const aggregate = new StressAggregate(configs.length);
  let fatal: Error | null = null;
  return new Promise<LoadRun>((resolve, reject) => {
    const workers = configs.map(startWorker);
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
        // Measured time is what the workers spent generating load, not thread start-up.
        else resolve({ aggregate, elapsedMs: aggregate.series.reduce((n, s) => n + s.durationMs, 0) });
      });
    }
  });
}
