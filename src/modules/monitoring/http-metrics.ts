import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Registry } from 'prom-client';
import { FastHistogram, type HistogramSeries } from './fast-histogram.ts';
import { LatencyHistogram } from './rolling-window.ts';

/**
 * Routes left out of the API figures of a sample (p95, 5xx rate, requests per minute): held open by
 * design (a WebSocket, a long-poll holding 25 s) or probes and scrapes that would dilute the p95. They
 * stay in the Prometheus histogram, where they are one route label each.
 */
const UNSAMPLED_ROUTES = new Set(['/ws', '/api/realtime/poll', '/metrics', '/health/live', '/health/ready']);

const STATUS_CLASSES = ['other', '1xx', '2xx', '3xx', '4xx', '5xx'];
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Cumulative HTTP figures of this process for the sampler. */
export interface HttpTotals {
  latency: LatencyHistogram;
  requests: number;
  errors: number;
}

type Hook = (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;
const RECORDER = Symbol('testweb.http-metrics');

/**
 * `testweb_http_request_duration_seconds` by method, route template and status class, plus the sampler's
 * totals. Each route gets its own onResponse hook (added by an onRoute hook, so register this before any
 * route) that knows its template already: a request costs no route lookup, no label object and no hashing,
 * only an array index and a few additions (bench/monitoring measures the whole cost). Requests no route
 * matched are counted under route "unmatched" by one global hook.
 */
export function registerHttpMetrics(app: FastifyInstance, registry: Registry): HttpTotals {
  const histogram = new FastHistogram(
    'testweb_http_request_duration_seconds',
    'HTTP request duration by method, route template and status class',
    BUCKETS,
  );
  registry.registerMetric(histogram.asMetric());
  const totals: HttpTotals = { latency: new LatencyHistogram(), requests: 0, errors: 0 };

  function recorder(route: string): Hook {
    const sampled = !UNSAMPLED_ROUTES.has(route);
    // Per method, one series per status class, created on first use.
    const series = new Map<string, Array<HistogramSeries | undefined>>();
    const hook: Hook = (request, reply, done) => {
      const code = reply.statusCode;
      const c = code >= 100 && code < 600 ? (code / 100) | 0 : 0;
      const method = request.method;
      let byClass = series.get(method);
      if (!byClass) series.set(method, (byClass = []));
      const s = (byClass[c] ??= histogram.child({ method, route, status_class: STATUS_CLASSES[c]! }));
      const seconds = reply.elapsedTime / 1000;
      s.observe(seconds);
      if (sampled) {
        totals.requests++;
        if (c === 5) totals.errors++;
        totals.latency.record(seconds);
      }
      done();
    };
    return Object.assign(hook, { [RECORDER]: true });
  }

  app.addHook('onRoute', (route: RouteOptions) => {
    const existing = route.onResponse === undefined ? [] : [route.onResponse].flat();
    // An automatic HEAD route arrives with its GET route's hooks, this one included.
    if (existing.some((h) => (h as unknown as Record<symbol, unknown>)[RECORDER])) return;
    route.onResponse = [...existing, recorder(route.url)] as RouteOptions['onResponse'];
  });
  const unmatched = recorder('unmatched');
  app.addHook('onResponse', (request, reply, done) =>
    request.is404 ? unmatched(request, reply, done) : done(),
  );
  return totals;
}
