import type { OutboundClient } from '../../shared/outbound/index.ts';
import type { EngineContext } from '../engine.ts';

/** The context's http client, typed. The contract keeps it `unknown` so the engine file has no imports. */
export function outboundOf(ctx: EngineContext<unknown>): OutboundClient {
  const http = ctx.http as Partial<OutboundClient> | null;
  if (!http || typeof http.request !== 'function' || !http.settings)
    throw new Error('engine context has no outbound HTTP client');
  return http as OutboundClient;
}

/** Rejects with the signal's reason once it is aborted (engines must stop within 2 s of a cancel). */
export function throwIfAborted(signal: AbortSignal): void {
  signal.throwIfAborted();
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
