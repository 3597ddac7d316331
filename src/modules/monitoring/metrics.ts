import type { FastifyInstance } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { UnauthorizedError } from '../../shared/http/index.ts';

export interface MetricsOptions {
  /** Registries of other modules (cache, queue, …), merged into the one exposition. */
  registries: Registry[];
  /** When set, scrapes must send `Authorization: Bearer <token>`. */
  token: string | null;
}

/**
 * `GET /metrics` in the Prometheus text format: process metrics (CPU, memory, event-loop lag, GC),
 * HTTP request durations by route and status, and whatever the modules' registries hold. Registries are
 * per app, never prom-client's global one, so two apps in one process keep separate counts.
 */
export function registerMetrics(app: FastifyInstance, { registries, token }: MetricsOptions): void {
  const own = new Registry();
  collectDefaultMetrics({ register: own, prefix: 'testweb_' });
  const duration = new Histogram({
    name: 'testweb_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [own],
  });

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, keeps label cardinality bounded (ids would make one series each).
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.get('/metrics', { config: { auth: 'public' }, schema: { hide: true } }, async (request, reply) => {
    if (token && request.headers.authorization !== `Bearer ${token}`)
      throw new UnauthorizedError('This endpoint needs METRICS_TOKEN as a bearer token');
    const merged = Registry.merge([own, ...registries]);
    return reply.type(merged.contentType).send(await merged.metrics());
  });
}
