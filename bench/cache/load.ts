/** One autocannon window against a target, with latency percentiles from an HDR histogram; medians of repetitions. */
import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';

export const CONNECTIONS = 100;

export interface Figures {
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  requests: number;
  non_2xx: number;
  errors: number;
}

/** `pathFor` picks each request's path, then `authFor` its bearer token (default: none). */
export async function load(
  port: number,
  seconds: number,
  pathFor: () => string,
  authFor?: () => string,
  connections = CONNECTIONS,
): Promise<Figures> {
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const instance = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (req: Record<string, unknown>) => ({
          ...req,
          path: pathFor(),
          headers: {
            ...(req.headers as object),
            ...(authFor ? { authorization: `Bearer ${authFor()}` } : {}),
          },
        }),
      },
    ],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) =>
    histogram.recordValue(Math.max(1, Math.round(ms * 1000))),
  );
  const result = await instance;
  const us = (p: number) => Math.round(histogram.getValueAtPercentile(p) / 10) / 100;
  return {
    rps: Math.round(result.requests.total / seconds),
    p50_ms: us(50),
    p95_ms: us(95),
    p99_ms: us(99),
    requests: result.requests.total,
    non_2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : Math.round(((s[mid - 1]! + s[mid]!) / 2) * 100) / 100;
};

/** The median of each figure over repetitions (each figure on its own, so the result is not one run's row). */
export function medians(runs: Figures[]): Figures {
  const keys = ['rps', 'p50_ms', 'p95_ms', 'p99_ms', 'requests', 'non_2xx', 'errors'] as const;
  return Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]))])) as unknown as Figures;
}
