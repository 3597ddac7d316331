import {
  createEngineRegistry,
  createEngineRunner,
  ENGINES,
  type EngineLimits,
  type EngineResult,
} from '../../src/engines/index.ts';
import {
  createBrowserPool,
  type BrowserPool,
  type BrowserPoolSettings,
} from '../../src/engines/browser/index.ts';

export const silentLog = { debug: () => undefined, info: () => undefined, warn: () => undefined };

export interface ProgressEvent {
  percent: number;
  message: string;
  metrics?: Record<string, number>;
  at: number;
}

export interface HarnessOptions {
  allowPrivateTargets?: boolean;
  limits?: Partial<EngineLimits>;
  maxResponseBytes?: number;
  requestTimeoutMs?: number;
  /** Addresses the SSRF guard treats as public (a loopback fixture standing in for a public host). */
  publicAddresses?: readonly string[];
  /**
   * A Chromium pool for browser engines (`ctx.browser` and the registry's env), closed by close(); its
   * SSRF settings default to the harness's. true: the defaults.
   */
  browser?: boolean | Partial<BrowserPoolSettings>;
}

/** The product's registry and runner, configured as a test needs; close() in afterAll. */
export function engineHarness(o: HarnessOptions = {}) {
  const browser: BrowserPool | undefined = o.browser
    ? createBrowserPool({
        allowPrivateTargets: o.allowPrivateTargets ?? true,
        publicAddresses: o.publicAddresses,
        // No host name is resolved in tests (Chromium's own services included): loopback addresses only.
        refusedHosts: ['*'],
        ...(o.browser === true ? {} : o.browser),
      })
    : undefined;
  const registry = createEngineRegistry(ENGINES, o.limits, { browser });
  const runner = createEngineRunner({
    registry,
    allowPrivateTargets: o.allowPrivateTargets ?? true,
    log: silentLog,
    limits: o.limits,
    maxResponseBytes: o.maxResponseBytes,
    requestTimeoutMs: o.requestTimeoutMs,
    publicAddresses: o.publicAddresses,
    browser,
  });
  const run = async (
    type: string,
    url: string,
    options: unknown,
    signal = new AbortController().signal,
  ): Promise<{ result: EngineResult; progress: ProgressEvent[] }> => {
    const progress: ProgressEvent[] = [];
    const result = await runner.run({
      type,
      url,
      options,
      signal,
      progress: (percent, message, metrics) => progress.push({ percent, message, metrics, at: Date.now() }),
    });
    return { result, progress };
  };
  const close = async () => {
    await Promise.all([runner.close(), browser?.close()]);
  };
  return { registry, runner, run, browser, close };
}
