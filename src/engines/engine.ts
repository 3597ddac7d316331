import type { TSchema, Static } from 'typebox';

/** A finding an engine reports: what is wrong, how bad, and what to do about it. */
export interface Finding {
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  title: string;
  detail: string;
  recommendation: string;
}

/** What every engine returns. Metric names are stable snake_case (`ttfb_ms`, `latency_p95_ms`, …). */
export interface EngineResult {
  /** 0–100 where the type has a score. */
  score?: number;
  /** Whether the test passed its thresholds/assertions, where it has some. */
  passed?: boolean;
  summary: string;
  metrics: Record<string, number>;
  findings: Finding[];
  details: Record<string, unknown>;
  /**
   * Files the run produced (a Lighthouse report, a screenshot). The job handler stores them in the
   * artifacts store (GET /api/tests/:testId/artifacts) and never in the result row; names are unique per
   * result, `[a-z0-9][a-z0-9._-]*`, with the extension matching the content type (`report.html`).
   */
  artifacts?: EngineArtifact[];
}

/** One file of a result. */
export interface EngineArtifact {
  name: string;
  contentType: string;
  data: Buffer;
  /** Shown in the dashboard instead of the name ("Lighthouse report"). */
  label?: string;
}

/**
 * What the process offers engines beside the outbound client: the Chromium pool (a BrowserPool from
 * src/engines/browser, typed `unknown` here so the contract imports nothing). Absent where the app was
 * built without one (tests that need no browser).
 */
export interface EngineEnvironment {
  browser?: unknown;
}

export interface EngineLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** What an engine receives. Engines never touch the database, the queue or sockets. */
export interface EngineContext<O> {
  url: string;
  options: O;
  /** Aborted on cancel or shutdown; an engine must stop within 2 s of it. */
  signal: AbortSignal;
  /** Reports progress (0–100), a short message, and optional live metrics (e.g. per-second stress figures). */
  progress(percent: number, message: string, metrics?: Record<string, number>): void;
  /** The one outbound HTTP client (timeouts, size caps, SSRF guard). Typed by the engines module. */
  http: unknown;
  log: EngineLogger;
  /** Operator caps (users, duration, rate, worker threads); engines fall back to DEFAULT_ENGINE_LIMITS. */
  limits?: EngineLimits;
  /** The Chromium pool (BrowserPool, src/engines/browser); typed by the browser engines through `browserOf`. */
  browser?: unknown;
}

/** Caps the operator sets in configuration; an option above a cap fails the test with a clear message. */
export interface EngineLimits {
  stressMaxUsers: number;
  stressMaxDurationMs: number;
  /** Highest arrival rate (requests/s) the stress engine may be asked for. */
  stressMaxRate: number;
  /** Worker threads that generate stress load. */
  stressWorkers: number;
}

export const DEFAULT_ENGINE_LIMITS: EngineLimits = {
  stressMaxUsers: 1000,
  stressMaxDurationMs: 600_000,
  stressMaxRate: 10_000,
  stressWorkers: 1,
};

/**
 * One test type. `options` is a TypeBox schema: options are validated against it before a test is
 * accepted, so `run` receives valid options. On cancel (`signal` aborted) `run` rejects with the
 * signal's reason (an AbortError) within 2 s.
 *
 * @example
 * export const seoEngine: TestEngine<typeof SeoOptions> = { name: 'seo', options: SeoOptions, async run(ctx) { … } };
 */
export interface TestEngine<S extends TSchema = TSchema> {
  name: string;
  description: string;
  options: S;
  /**
   * Every metric `run` may put in `result.metrics`: name → meaning with its unit. Alert rules are
   * validated against it (an unknown name is a 400 listing close matches), and a test runs each product
   * engine and checks that what it reports is listed, so the catalog cannot drift from the code.
   * Optional only for engines that exist in tests; every product engine has one.
   */
  metrics?: Record<string, string>;
  /**
   * The test streams live: besides the owner's `test-updates`, its events are published on the test's own
   * channel `stress-test-{testId}` (the owner and admins may watch it), where TestProgress carries the
   * per-second `metrics`. The realtime layer asks the registry (`streamsLive(type)`), never the type name.
   */
  streamsLive?: boolean;
  /**
   * Whether this machine can run the engine (a browser engine needs Chromium). Unavailable engines are
   * listed by `GET /api/engines` with the reason, and submitting one is a 400 carrying it.
   */
  availability?(env: EngineEnvironment): { available: true } | { available: false; reason: string };
  run(ctx: EngineContext<Static<S>>): Promise<EngineResult>;
  /**
   * Checks the schema cannot express (a regular expression that must compile, a field required only in
   * some combinations, an operator cap from `limits`). Runs at submission and again before the run,
   * after schema validation, on defaulted options; paths are JSON pointers relative to the options
   * (`/assertions/0/target`).
   */
  check?(options: Static<S>, limits: EngineLimits): OptionProblem[];
}

/** A problem with one option, found by an engine's `check`. */
export interface OptionProblem {
  path: string;
  message: string;
  /** The configuration variable whose cap the option exceeds (`STRESS_MAX_USERS`), when that is the problem. */
  limit?: string;
}

/**
 * Thrown by an engine for a failure that retrying cannot fix (a refused target, an invalid option the
 * schema could not catch). The queue fails such a test at once instead of retrying it.
 */
export class NonRetryableError extends Error {
  readonly retryable = false;
  constructor(
    message: string,
    readonly code = 'ERR_TEST_NOT_RETRYABLE',
  ) {
    super(message);
    this.name = 'NonRetryableError';
  }
}
