import type { LoadPlan } from './load-plan.ts';

/** What the main thread hands a load worker (workerData). Plain data: it crosses a thread boundary. */
export interface LoadConfig {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  insecureTls: boolean;
  allowPrivateTargets: boolean;
  /** The outbound client's SSRF exemptions, so the worker applies the same address policy. */
  publicAddresses: readonly string[];
  plan: LoadPlan;
}

/** One second (or the last, partial second) of measurements from one worker. */
export interface TickMessage {
  type: 'tick';
  second: number;
  durationMs: number;
  requests: number;
  statuses: Record<string, number>;
  /** Network errors by kind (timeout, refused, reset, other); HTTP 4xx/5xx are counted from statuses. */
  errors: Record<string, number>;
  bytes: number;
  /** Latencies of this interval in microseconds, HDR-encoded (compressed base64). */
  histogram: string;
  activeUsers: number;
  dropped: number;
  final: boolean;
}

export interface FatalMessage {
  type: 'fatal';
  message: string;
}

export type WorkerMessage = TickMessage | FatalMessage;

/** Main → worker: stop now. `abort` drops requests in flight (cancel); otherwise they may finish briefly. */
export interface StopMessage {
  type: 'stop';
  abort: boolean;
}
