/**
 * The Chromium pool (GitHub issue 16). Design:
 *
 * - A fresh Chromium per session, i.e. per engine run, started by chrome-launcher (Lighthouse's own
 *   launcher) from the system Chromium (CHROMIUM_PATH, else `chromium`, `chromium-browser`,
 *   `google-chrome`, `google-chrome-stable` on PATH; a browser is never downloaded). Lighthouse's guidance
 *   and LHCI start a new Chrome per run for accurate numbers (no warm caches, no leftover tabs); a crash
 *   stays inside one test; cancelling is killing one process group; memory is that process tree's.
 *   Lighthouse connects with `port`, the accessibility engine with `connectOverCDP(cdpUrl)`.
 * - Every request the page makes goes through a forward proxy of the session's own (guard-proxy.ts) that
 *   resolves and checks the host with the shared SSRF address policy and connects to the checked address.
 *   A proxy rather than CDP request interception: interception sees requests only on the targets a client
 *   attached to (not service workers, not before attach, not other clients' targets such as Lighthouse's),
 *   and it cannot pin the connection to the address it checked, so DNS rebinding would slip past it.
 * - At most `concurrency` sessions at once (FIFO), each killed after `sessionTimeoutMs`; a cancel kills
 *   Chromium and rejects within 2 s without waiting for `fn`; a crash rejects with BrowserCrashedError.
 * - Nothing happens until the first call: the product starts without Chromium.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NonRetryableError } from '../engine.ts';
import { BrowserCrashedError, BrowserSessionTimeoutError } from './browser-errors.ts';
import type { BrowserAvailability, BrowserPool, BrowserSession } from './browser-pool.types.ts';
import { availabilityOf, findChromium, type ChromiumLocation } from './chromium-finder.ts';
import { launchChromium, type ChromiumProcess } from './chromium-process.ts';
import { startGuardProxy, type GuardProxy } from './guard-proxy.ts';
import { sampleProcessTree, type MemorySampler } from './process-memory.ts';
import { createSemaphore } from './semaphore.ts';
import { CHROMIUM_SERVICE_HOSTS } from './refused-hosts.ts';

export interface BrowserPoolSettings {
  /** ALLOW_PRIVATE_TARGETS: whether the page may reach loopback, private and metadata addresses. */
  allowPrivateTargets: boolean;
  /** Addresses the guard treats as public (tests stand a loopback fixture in for a public host). */
  publicAddresses?: readonly string[];
  /** CHROMIUM_PATH; unset: the first Chromium found on PATH. */
  chromiumPath?: string | null;
  /** BROWSER_CONCURRENCY: sessions at once in this process (default 2). */
  concurrency?: number;
  /** BROWSER_SESSION_TIMEOUT (default 120 s). */
  sessionTimeoutMs?: number;
  /** How long Chromium may take to open its DevTools port (default 30 s). */
  launchTimeoutMs?: number;
  /** The PATH searched for Chromium (default process.env.PATH). */
  searchPath?: string;
  /**
   * BROWSER_REFUSED_HOSTS: hosts the proxy refuses before resolving them, without reporting them
   * (default CHROMIUM_SERVICE_HOSTS, Chromium's own background services; `*` refuses every host name).
   */
  refusedHosts?: readonly string[];
}

interface Resources {
  chromium: ChromiumProcess;
  proxy: GuardProxy;
  memory: MemorySampler;
  close(): Promise<void>;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Proxy, profile directory, Chromium and memory sampler of one session; all undone on failure. */
async function openResources(
  executable: string,
  settings: BrowserPoolSettings,
  signal: AbortSignal,
): Promise<Resources> {
  const proxy = await startGuardProxy({
    ...settings,
    refusedHosts: settings.refusedHosts ?? CHROMIUM_SERVICE_HOSTS,
  });
  let profileDir: string | undefined;
  const removeProfile = () =>
    profileDir ? rm(profileDir, { recursive: true, force: true, maxRetries: 3 }) : Promise.resolve();
  try {
    profileDir = await mkdtemp(path.join(tmpdir(), 'testweb-chromium-'));
    const chromium = await launchChromium({
      executable,
      profileDir,
      proxyPort: proxy.port,
      timeoutMs: settings.launchTimeoutMs ?? 30_000,
      signal,
    });
    const memory = sampleProcessTree(chromium.pid);
    const close = async () => {
      memory.stop();
      await Promise.all([chromium.stop(), proxy.close()]);
      await removeProfile();
    };
    return { chromium, proxy, memory, close };
  } catch (err) {
    await proxy.close();
    await removeProfile();
    throw err;
  }
}

/**
 * Runs `fn` until it settles, `stop` aborts (cancel, timeout, pool closing) or Chromium exits, whichever
 * comes first. An abandoned `fn` keeps a catch, so its later rejection is not unhandled.
 */
async function race<T>(r: Resources, stop: AbortSignal, fn: (s: BrowserSession) => Promise<T>): Promise<T> {
  const session: BrowserSession = {
    port: r.chromium.port,
    cdpUrl: `http://127.0.0.1:${r.chromium.port}`,
    pid: r.chromium.pid,
    blocked: () => r.proxy.blocked(),
    peakMemoryBytes: () => r.memory.peak(),
  };
  const work = Promise.resolve().then(() => fn(session));
  work.catch(() => undefined);
  const crashed = (exit: { code: number | null; signal: NodeJS.Signals | null }) =>
    new BrowserCrashedError(
      `Chromium exited while the test ran (${exit.signal ?? `exit code ${exit.code}`})`,
    );
  let onStop: (() => void) | undefined;
  try {
    return await new Promise<T>((resolve, reject) => {
      onStop = () => reject(stop.reason);
      if (stop.aborted) return onStop();
      stop.addEventListener('abort', onStop, { once: true });
      void r.chromium.exited.then((exit) => reject(crashed(exit)));
      work.then(resolve, async (err: unknown) => {
        // A dead browser usually fails fn (a closed CDP socket) a moment before its exit is reported.
        await Promise.race([r.chromium.exited, delay(250)]);
        reject(
          r.chromium.hasExited()
            ? new BrowserCrashedError('Chromium exited while the test ran', { cause: err })
            : err,
        );
      });
    });
  } finally {
    if (onStop) stop.removeEventListener('abort', onStop);
  }
}

/** Builds the pool; nothing is searched for or started until a method is called. */
export function createBrowserPool(settings: BrowserPoolSettings): BrowserPool {
  const sessionTimeoutMs = settings.sessionTimeoutMs ?? 120_000;
  const slots = createSemaphore(settings.concurrency ?? 2);
  const live = new Map<AbortController, Promise<void>>();
  let location: ChromiumLocation | undefined;
  let closed = false;
  const locate = () => (location ??= findChromium(settings.chromiumPath, settings.searchPath));

  async function runSession<T>(
    executable: string,
    signal: AbortSignal,
    fn: (s: BrowserSession) => Promise<T>,
  ) {
    const stop = new AbortController();
    const timer = setTimeout(
      () => stop.abort(new BrowserSessionTimeoutError(sessionTimeoutMs)),
      sessionTimeoutMs,
    );
    const onAbort = () => stop.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let finished!: () => void;
    live.set(stop, new Promise<void>((resolve) => (finished = resolve)));
    let resources: Resources | undefined;
    try {
      if (signal.aborted) onAbort();
      resources = await openResources(executable, settings, stop.signal);
      return await race(resources, stop.signal, fn);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      // Cleanup never replaces the session's own outcome (rm of the profile is forced already).
      await resources?.close().catch(() => undefined);
      live.delete(stop);
      finished();
    }
  }

  return {
    availability: (): BrowserAvailability => availabilityOf(locate()),
    async withSession(signal, fn) {
      const found = locate();
      if (!found.available) throw new NonRetryableError(found.reason, 'ERR_BROWSER_UNAVAILABLE');
      if (closed) throw new Error('The browser pool is closed');
      const release = await slots.acquire(signal);
      try {
        if (closed) throw new Error('The browser pool is closed');
        return await runSession(found.path, signal, fn);
      } finally {
        release();
      }
    },
    async close() {
      closed = true;
      const done = [...live.values()];
      for (const stop of live.keys()) stop.abort(new Error('The browser pool closed (shutdown)'));
      await Promise.all(done);
    },
  };
}
