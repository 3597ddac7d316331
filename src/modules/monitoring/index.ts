/** Monitoring: readiness and liveness (/health), Prometheus exposition (/metrics). */
export { registerHealthRoutes, type ReadinessCheck } from './health.routes.ts';
export { registerMetrics, type MetricsOptions } from './metrics.ts';
