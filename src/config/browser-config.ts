import { readDuration, readInt } from './parse.ts';

/** The Chromium pool of the browser engines (docs/ENGINES.md, "Browser pool"). */
export interface BrowserConfig {
  /** null: the first `chromium`, `chromium-browser`, `google-chrome`, `google-chrome-stable` on PATH. */
  chromiumPath: string | null;
  /** Chromium sessions (engine runs) at once in one process. */
  concurrency: number;
  /** A session running longer is killed and its test fails (and is retried). */
  sessionTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

export function parseBrowserConfig(e: Env): BrowserConfig {
  return {
    chromiumPath: e.CHROMIUM_PATH?.trim() || null,
    concurrency: readInt(e, 'BROWSER_CONCURRENCY', 1, 16),
    sessionTimeoutMs: readDuration(e, 'BROWSER_SESSION_TIMEOUT', 5_000, 3_600_000),
  };
}
