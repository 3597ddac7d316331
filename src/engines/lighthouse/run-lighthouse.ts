import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { BlockedRequest, BrowserSession } from '../browser/browser-pool.types.ts';
import type { Lhr } from './lhr.ts';
import { lighthouseSettings, type DesktopConfig, type LighthouseConstants } from './lighthouse-config.ts';
import type { LighthouseOptions } from './lighthouse.options.ts';
import { phaseOf, type Phase } from './lighthouse-progress.ts';

interface StatusEmitter {
  on(event: 'status', listener: (args: unknown[]) => void): unknown;
  off(event: 'status', listener: (args: unknown[]) => void): unknown;
}

interface RunnerResult {
  lhr: Lhr;
  report: string | string[];
  artifacts?: { HostProduct?: string };
}

type LighthouseFn = (url: string, flags: object, config: object) => Promise<RunnerResult | undefined>;

/** Lighthouse and the pieces of it the engine uses, loaded on the first run (not at server start). */
export interface LighthouseModules {
  lighthouse: LighthouseFn;
  status: StatusEmitter;
  constants: LighthouseConstants;
  desktop: DesktopConfig;
}

/**
 * Imports Lighthouse (about 1,000 modules and tens of MB) only when a test needs it. lighthouse-logger
 * is resolved from Lighthouse's own location, so the engine listens on the very emitter Lighthouse logs to.
 */
export async function loadLighthouse(): Promise<LighthouseModules> {
  const [lh, constants, desktop] = await Promise.all([
    import('lighthouse'),
    import('lighthouse/core/config/constants.js'),
    import('lighthouse/core/config/desktop-config.js'),
  ]);
  const fromLighthouse = createRequire(createRequire(import.meta.url).resolve('lighthouse'));
  const logger = (await import(pathToFileURL(fromLighthouse.resolve('lighthouse-logger')).href)) as {
    default: { events: StatusEmitter };
  };
  return {
    lighthouse: lh.default as unknown as LighthouseFn,
    status: logger.default.events,
    constants: constants as unknown as LighthouseConstants,
    desktop: desktop.default as DesktopConfig,
  };
}

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
 * Settles with `work`, or rejects with the signal's reason as soon as it aborts. Lighthouse takes no
 * signal: on cancel its promise is abandoned (the pool kills Chromium, so it fails within seconds) and
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

/**
 * Calls `onPhase` for the status messages of the Lighthouse call made inside `fn` only. The emitter is
 * process-wide and its messages name no run, so two concurrent runs would read each other's progress;
 * the emitter calls listeners synchronously inside the logging code, so the async context says whose
 * message it is.
 */
async function withOwnStatus<T>(
  status: StatusEmitter,
  onPhase: (phase: Phase) => void,
  fn: () => Promise<T>,
): Promise<T> {
  const mine = new AsyncLocalStorage<true>();
  const listener = (args: unknown[]) => {
    if (mine.getStore() !== true || typeof args[1] !== 'string') return;
    const phase = phaseOf(args[1]);
    try {
      if (phase) onPhase(phase);
    } catch {
      // A progress report must never fail Lighthouse's logging call (and with it the run).
    }
  };
  status.on('status', listener);
  try {
    return await mine.run(true, fn);
  } finally {
    status.off('status', listener);
    mine.disable();
  }
}

/** One Lighthouse run against the session's fresh Chromium. */
export async function runLighthouse(
  modules: LighthouseModules,
  session: BrowserSession,
  input: { url: string; options: LighthouseOptions; signal: AbortSignal; onPhase(phase: Phase): void },
): Promise<LighthouseRun> {
  const { flags, config } = lighthouseSettings(
    input.options,
    session.port,
    modules.constants,
    modules.desktop,
  );
  const result = await withOwnStatus(modules.status, input.onPhase, () =>
    untilAborted(modules.lighthouse(input.url, flags, config), input.signal),
  );
  if (!result) throw new Error('Lighthouse returned no result');
  const [json, html] = Array.isArray(result.report) ? result.report : [result.report, ''];
  return {
    lhr: result.lhr,
    json: json ?? '',
    html: html ?? '',
    chromiumVersion: result.artifacts?.HostProduct ?? null,
    blocked: session.blocked(),
    peakMemoryBytes: session.peakMemoryBytes(),
  };
}
