/**
 * The Chromium pool's contract, which the browser engines (lighthouse, accessibility) program against.
 * The implementation lives beside it (browser-pool.ts); engines get the pool as `ctx.browser` and type it
 * with `browserOf(ctx)`.
 */

/** A request of the page that the SSRF guard refused (reported by the engines as a finding). */
export interface BlockedRequest {
  url: string;
  /** Why: "169.254.169.254 is a link-local address", … (the shared address policy's words). */
  reason: string;
}

/** One fresh Chromium (its own profile directory, behind its own guard proxy) for one engine run. */
export interface BrowserSession {
  /** The DevTools port on 127.0.0.1 (Lighthouse connects to it with `port`). */
  port: number;
  /** `http://127.0.0.1:{port}`, for playwright-core's `chromium.connectOverCDP`. */
  cdpUrl: string;
  /** Every request the guard refused so far in this session, in order (bounded: the first 100). */
  blocked(): BlockedRequest[];
  /** Peak resident memory of this session's Chromium process tree so far, in bytes; null where unmeasurable. */
  peakMemoryBytes(): number | null;
  /** The browser process's id (its process group holds the whole tree); for diagnostics and tests. */
  pid?: number;
}

export type BrowserAvailability = { available: true } | { available: false; reason: string };

export interface BrowserPool {
  /** Whether Chromium was found (CHROMIUM_PATH, else on PATH); the reason says how to install it. */
  availability(): BrowserAvailability;
  /**
   * Waits for a free slot (at most BROWSER_CONCURRENCY sessions at once in this process), launches a fresh
   * Chromium for `fn`, and closes it (process and profile directory) when `fn` settles, when `signal`
   * aborts (within 2 s; the call then rejects with the signal's reason), or when the session outlives
   * BROWSER_SESSION_TIMEOUT. A Chromium that crashes or cannot start rejects with BrowserCrashedError,
   * which the queue retries.
   */
  withSession<T>(signal: AbortSignal, fn: (session: BrowserSession) => Promise<T>): Promise<T>;
  /** Kills every running session (on shutdown). */
  close(): Promise<void>;
}
