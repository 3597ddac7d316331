import type { OutboundClient, OutboundResponse } from '../../shared/outbound/index.ts';

/** Every request of a run goes through here: one signal, timeout and headers, and a count (the bound tests read). */
export interface SeoFetcher {
  get(url: string, opts?: { maxBytes?: number; maxRedirects?: number }): Promise<OutboundResponse>;
  /** Requests sent so far (each call, whatever its outcome). */
  readonly requests: number;
  signal: AbortSignal;
}

export interface FetcherOptions {
  signal: AbortSignal;
  timeoutMs: number;
  headers?: Record<string, string>;
  insecureTls: boolean;
}

export function createSeoFetcher(http: OutboundClient, o: FetcherOptions): SeoFetcher {
  let requests = 0;
  return {
    signal: o.signal,
    get requests() {
      return requests;
    },
    get(url, opts = {}) {
      o.signal.throwIfAborted();
      requests++;
      return http.request(url, {
        signal: o.signal,
        timeoutMs: o.timeoutMs,
        headers: o.headers,
        insecureTls: o.insecureTls,
        maxBytes: opts.maxBytes,
        maxRedirects: opts.maxRedirects,
      });
    },
  };
}

/** An error's message for a table, after making sure a cancel is not mistaken for a failed request. */
export function requestError(err: unknown, signal: AbortSignal): string {
  signal.throwIfAborted();
  return (err as Error).message;
}
