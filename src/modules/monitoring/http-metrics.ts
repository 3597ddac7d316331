import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Histogram, type Registry } from 'prom-client';
import { LatencyHistogram } from './rolling-window.ts';

/**
 * Routes left out of the API figures of a sample (p95, 5xx rate, requests per minute): held open by
 * design (a WebSocket, a long-poll holding 25 s) or probes and scrapes that would dilute the p95. They
 * stay in the Prometheus histogram, where they are one route label each.
 */
const UNSAMPLED_ROUTES = new Set(['/ws', '/api/realtime/poll', '/metrics', '/health/live', '/health/ready']);

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];

/** Cumulative HTTP figures of this process for the sampler. */
export interface HttpTotals {
  latency: LatencyHistogram;
  requests: number;
  errors: number;
}

type Child = { observe(value: number): void };

/**
 * `testweb_http_request_duration_seconds` by method, route template and status class, plus the sampler's
 * totals. One onResponse hook; children of the histogram are cached per label set, so a request costs a
 * Map lookup and two bucket increments (measured in bench/monitoring).
 */
export function registerHttpMetrics(app: FastifyInstance, registry: Registry): HttpTotals {
  const duration = new Histogram({
    name: 'testweb_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status class',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const totals: HttpTotals = { latency: new LatencyHistogram(), requests: 0, errors: 0 };
  const children = new Map<string, Child>();

  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    // The route template, not the URL, keeps label cardinality bounded (ids would make one series each).
    const route = request.routeOptions.url ?? 'unmatched';
    const code = reply.statusCode;
    const statusClass = STATUS_CLASSES[Math.floor(code / 100) - 1] ?? 'other';
    const key = `${request.method} ${statusClass} ${route}`;
    let child = children.get(key);
    if (!child) {
      child = duration.labels({ method: request.method, route, status_class: statusClass });
      children.set(key, child);
    }
    const seconds = reply.elapsedTime / 1000;
    child.observe(seconds);
    if (!UNSAMPLED_ROUTES.has(route)) {
      totals.requests++;
      if (code >= 500) totals.errors++;
      totals.latency.record(seconds);
    }
    done();
  });
  return totals;
}
