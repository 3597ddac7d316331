import { Worker } from 'node:worker_threads';
import type { BlockedRequest, BrowserSession } from '../browser/browser-pool.types.ts';
import type { Lhr } from './lhr.ts';
import type { LighthouseOptions } from './lighthouse.options.ts';
import type { LighthouseJob, WorkerMessage } from './lighthouse-protocol.ts';
import type { Phase } from './lighthouse-progress.ts';

/** One run's output: the result, Lighthouse's JSON and HTML reports, and what the session observed. */
export interface LighthouseRun {
  lhr: Lhr;
  json: string;
  html: string;
  chromiumVersion: string | null;
  blocked: BlockedRequest[];
  peakMemoryBytes: number | null;
}

/**
 * Settles with `work`, or rejects with the signal's reason as soon as it aborts; an abandoned `work`
 * keeps a catch so its rejection is not unhandled.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (err: unknown) => (signal.removeEventListener('abort', onAbort), reject(err as Error)),
    );
  });
}

// In a dist/ build the compiled .js sibling runs directly. Under tsx (dev, tests) the .ts source is loaded
// through tsx's API from a tiny bootstrap, as the stress engine does (Node 20 does not apply `--import
// tsx` to a worker's entry module).
function startWorker(job: LighthouseJob): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./lighthouse-worker.js', import.meta.url), { workerData: job });
  const entry = new URL('./lighthouse-worker.ts', import.meta.url).href;
  const api = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: job });
}

type Done = Extract<WorkerMessage, { type: 'done' }>;

/** The worker's outcome: its reports, or why there are none. */
function outcomeOf(worker: Worker, onPhase: (phase: Phase) => void): Promise<Done> {
  return new Promise<Done>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'phase') {
        try {
          onPhase(m.phase);
        } catch {
          // A progress report must not fail the run.
        }
      } else if (m.type === 'done') resolve(m);
      else reject(new Error(`Lighthouse failed: ${m.message}${m.code ? ` (${m.code})` : ''}`));
    });
    worker.on('error', (err) => reject(new Error(`Lighthouse failed: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => reject(new Error(`The Lighthouse worker exited (code ${code})`)));
  });
}

/**
 * One Lighthouse run against the session's fresh Chromium, in a worker thread of its own:
 * - Lighthouse takes no abort signal, and when Chromium is killed under it (a cancel) it leaves promises
 *   rejecting with no handler (its target manager's `Target.setAutoAttach` on navigation), which would
 *   take the whole server down; terminating the thread ends every such loose end at once.
 * - Its audit phase is seconds of synchronous CPU that would stall the API's event loop.
 * - lighthouse-logger's status emitter is process-wide and names no run: per thread, it is this run's.
 * - Its modules and heap (hundreds of MB while a trace is processed) go with the thread.
 */
export async function runLighthouse(
  session: BrowserSession,
  input: { url: string; options: LighthouseOptions; signal: AbortSignal; onPhase(phase: Phase): void },
): Promise<LighthouseRun> {
  input.signal.throwIfAborted();
  const worker = startWorker({ url: input.url, options: input.options, port: session.port });
  try {
    const done = await untilAborted(outcomeOf(worker, input.onPhase), input.signal);
    return {
      lhr: JSON.parse(done.json) as Lhr,
      json: done.json,
      html: done.html,
      chromiumVersion: done.hostProduct,
      blocked: session.blocked(),
      peakMemoryBytes: session.peakMemoryBytes(),
    };
  } finally {
    await worker.terminate();
  }
}
