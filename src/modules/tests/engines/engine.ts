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
}

/**
 * One test type. `options` is a TypeBox schema: options are validated against it before a test is
 * accepted, so `run` receives valid options.
 *
 * @example
 * export const seoEngine: TestEngine<typeof SeoOptions> = { name: 'seo', options: SeoOptions, async run(ctx) { … } };
 */
export interface TestEngine<S extends TSchema = TSchema> {
  name: string;
  description: string;
  options: S;
  run(ctx: EngineContext<Static<S>>): Promise<EngineResult>;
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
