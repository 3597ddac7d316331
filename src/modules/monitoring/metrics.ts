import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { UnauthorizedError } from '../../shared/http/index.ts';

export interface MetricsOptions {
  /** This app's registries: the monitoring module's own, then the cache's, realtime's, the queue's, … */
  registries: Registry[];
  /** When set, scrapes must send `Authorization: Bearer <token>`. */
  token: string | null;
}

/**
 * `GET /metrics` in the Prometheus text format: every registry of the app merged into one exposition.
 * Merging refuses two metrics of one name, so a name clash between modules fails loudly here (and in the
 * exposition test) instead of producing duplicate series.
 */
export function registerMetricsRoute(app: FastifyInstance, { registries, token }: MetricsOptions): void {
  app.get('/metrics', { config: { auth: 'public' }, schema: { hide: true } }, async (request, reply) => {
    if (token && request.headers.authorization !== `Bearer ${token}`)
      throw new UnauthorizedError('This endpoint needs METRICS_TOKEN as a bearer token');
    // Merged per scrape: a module may add a metric after start-up (the pool gauges, a lazily built one).
    const merged = Registry.merge(registries);
    return reply.type(merged.contentType).send(await merged.metrics());
  });
}
