import {
  createOutboundClient,
  errorKind,
  OutboundError,
  TargetRefusedError,
  type OutboundClient,
} from '../shared/outbound/index.ts';
import {
  DEFAULT_ENGINE_LIMITS,
  NonRetryableError,
  type EngineLimits,
  type EngineLogger,
  type EngineResult,
} from './engine.ts';
import { OptionLimitError, type EngineRegistry } from './engine-registry.ts';

export interface EngineRunnerOptions {
  registry: EngineRegistry;
  allowPrivateTargets: boolean;
  log: EngineLogger;
  limits?: Partial<EngineLimits>;
  /** Whole-request timeout of one outbound request (default 30 s). */
  requestTimeoutMs?: number;
  /** Cap on one response body (default 10 MiB). */
  maxResponseBytes?: number;
  /** Addresses the SSRF guard treats as public (tests stand a loopback fixture in for a public host). */
  publicAddresses?: readonly string[];
  /** Told about each request an engine sends through the outbound client (the monitoring module counts them). */
  metrics?: OutboundMetrics;
  /** The Chromium pool browser engines run in (EngineContext.browser). */
  browser?: unknown;
}

/** `outcome` is 'ok' for a response (whatever its status) or the OutboundErrorKind of a failure. */
export interface OutboundMetrics {
  outboundRequest(engine: string, outcome: string): void;
}

/** The client an engine gets: the shared one, each request counted under the engine's name. */
function countedClient(http: OutboundClient, engine: string, metrics?: OutboundMetrics): OutboundClient {
  if (!metrics) return http;
  return {
    settings: http.settings,
    assertTarget: (url) => http.assertTarget(url),
    close: () => http.close(),
    request: (url, opts) =>
      http.request(url, opts).then(
        (res) => (metrics.outboundRequest(engine, 'ok'), res),
        (err: unknown) => {
          metrics.outboundRequest(engine, errorKind(err));
          throw err;
        },
      ),
  };
}

export interface EngineRunInput {
  type: string;
  url: string;
  /** Options as submitted; validated (and defaulted) again here so run never sees bad options. */
  options: unknown;
  signal: AbortSignal;
  progress(percent: number, message: string, metrics?: Record<string, number>): void;
}

export interface EngineRunner {
  run(input: EngineRunInput): Promise<EngineResult>;
  /** Closes the pooled outbound connections (on shutdown). */
  close(): Promise<void>;
}

/**
 * Builds an engine's context (validated options, the shared outbound client, caps) and runs it. A refused
 * or invalid target throws NonRetryableError before any request; a refusal met later (a redirect to a
 * private address) is turned into one too, so the queue does not retry it.
 */
export function createEngineRunner(options: EngineRunnerOptions): EngineRunner {
  const limits: EngineLimits = { ...DEFAULT_ENGINE_LIMITS, ...options.limits };
  const http = createOutboundClient({
    allowPrivateTargets: options.allowPrivateTargets,
    timeoutMs: options.requestTimeoutMs ?? 30_000,
    maxResponseBytes: options.maxResponseBytes ?? 10 * 1024 * 1024,
    maxRedirects: 10,
    userAgent: 'TestWeb/0.1 (+https://github.com/testweb)',
    publicAddresses: options.publicAddresses,
  });
  return {
    async run(input) {
      const engine = options.registry.get(input.type);
      if (!engine) throw new NonRetryableError(`Unknown test type ${input.type}`, 'ERR_UNKNOWN_TEST_TYPE');
      let engineOptions: unknown;
      try {
        engineOptions = options.registry.validate(input.type, input.options, limits);
        await http.assertTarget(input.url);
      } catch (err) {
        const code =
          err instanceof TargetRefusedError
            ? 'ERR_TARGET_REFUSED'
            : err instanceof OptionLimitError
              ? 'ERR_LIMIT_EXCEEDED'
              : 'ERR_INVALID_TEST';
        throw new NonRetryableError((err as Error).message, code);
      }
      input.signal.throwIfAborted();
      const log = options.log;
      try {
        return await engine.run({
          url: input.url,
          options: engineOptions,
          signal: input.signal,
          progress: input.progress,
          http: countedClient(http, engine.name, options.metrics),
          log,
          limits,
          browser: options.browser,
        });
      } catch (err) {
        if (err instanceof TargetRefusedError) throw new NonRetryableError(err.message, 'ERR_TARGET_REFUSED');
        if (err instanceof OutboundError && err.kind === 'aborted' && input.signal.aborted)
          throw input.signal.reason;
        throw err;
      }
    },
    close: () => http.close(),
  };
}
