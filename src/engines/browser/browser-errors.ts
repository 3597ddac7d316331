/**
 * Chromium crashed or could not start. Retryable (a plain Error, not NonRetryableError): a crash is
 * usually a property of that one process (memory pressure, a renderer bug), not of the test.
 */
export class BrowserCrashedError extends Error {
  readonly code = 'ERR_BROWSER_CRASHED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrowserCrashedError';
  }
}

/** The session outlived BROWSER_SESSION_TIMEOUT and was killed. Retryable like any timeout. */
export class BrowserSessionTimeoutError extends Error {
  readonly code = 'ERR_BROWSER_SESSION_TIMEOUT';
  constructor(timeoutMs: number) {
    super(
      `The browser session ran longer than BROWSER_SESSION_TIMEOUT (${Math.round(timeoutMs / 1000)} s) and was stopped`,
    );
    this.name = 'BrowserSessionTimeoutError';
  }
}
