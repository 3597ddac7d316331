import { readDuration, readInt } from './parse.ts';

/** The Chromium pool of the browser engines (docs/ENGINES.md, "Browser pool"). */
export interface BrowserConfig {
  /** null: the first `chromium`, `chromium-browser`, `google-chrome`, `google-chrome-stable` on PATH. */
  chromiumPath: string | null;
  /** Chromium sessions (engine runs) at once in one process. */
  concurrency: number;
  /** A session running longer is killed and its test fails (and is retried). */
  sessionTimeoutMs: number;
  /** Hosts the page's proxy refuses unresolved and unreported; null: Chromium's own service hosts. */
  refusedHosts: string[] | null;
}

type Env = Record<string, string | undefined>;

export function parseBrowserConfig(e: Env): BrowserConfig {
  return {
    chromiumPath: e.CHROMIUM_PATH?.trim() || null,
    concurrency: readInt(e, 'BROWSER_CONCURRENCY', 1, 16),
    sessionTimeoutMs: readDuration(e, 'BROWSER_SESSION_TIMEOUT', 5_000, 3_600_000),
    refusedHosts: e.BROWSER_REFUSED_HOSTS?.trim()
      ? e.BROWSER_REFUSED_HOSTS.split(',')
          .map((h) => h.trim())
          .filter(Boolean)
      : null,
  };
}
