import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OutboundMetrics } from '../../engines/index.ts';
import type { DatabaseObserver, PoolStats } from '../../shared/db/index.ts';
import type { RedisObserver } from '../../shared/redis/index.ts';

/**
 * The Prometheus series of the infrastructure, in this app's own registry (never prom-client's global
 * one: two apps in one process keep separate counts). Built before the database and Redis so that their
 * observers can be handed to them; `watchPool` attaches the pool gauges once the database exists.
 */
export interface Instruments {
  readonly registry: Registry;
  readonly database: DatabaseObserver;
  readonly redis: RedisObserver;
  readonly outbound: OutboundMetrics;
  watchPool(read: () => PoolStats): void;
}

const FAST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createInstruments(): Instruments {
  const registry = new Registry();
  // Process CPU, memory, handles, GC and event-loop lag (monitorEventLoopDelay: p50, p90, p99, reset per scrape).
  collectDefaultMetrics({ register: registry, prefix: 'testweb_' });
  // Gauges that prom-client names *_total, which Prometheus reserves for counters (promtool's lint flags
  // them); the same counts stay available by type in testweb_nodejs_active_{handles,requests,resources}.
  for (const name of ['handles', 'requests', 'resources'])
    registry.removeSingleMetric(`testweb_nodejs_active_${name}_total`);
  const query = new Histogram({
    name: 'testweb_db_query_duration_seconds',
    help: 'Database query duration (every query through Kysely), by outcome',
    labelNames: ['outcome'] as const,
    buckets: FAST_BUCKETS,
    registers: [registry],
  });
  const queryOk = query.labels({ outcome: 'ok' });
  const queryError = query.labels({ outcome: 'error' });
  const command = new Histogram({
    name: 'testweb_redis_command_duration_seconds',
    help: 'Redis command round trip (blocking commands excluded), by connection purpose',
    labelNames: ['connection'] as const,
    buckets: FAST_BUCKETS,
    registers: [registry],
  });
  const commandErrors = new Counter({
    name: 'testweb_redis_command_errors_total',
    help: 'Redis commands that failed or timed out, by connection purpose',
    labelNames: ['connection'] as const,
    registers: [registry],
  });
  const reconnects = new Counter({
    name: 'testweb_redis_reconnects_total',
    help: 'Redis reconnect attempts, by connection purpose',
    labelNames: ['connection'] as const,
    registers: [registry],
  });
  const outbound = new Counter({
    name: 'testweb_engine_outbound_requests_total',
    help: 'Requests engines sent through the outbound client, by engine and outcome (ok or the error kind)',
    labelNames: ['engine', 'outcome'] as const,
    registers: [registry],
  });
  return {
    registry,
    database: { query: (seconds, failed) => (failed ? queryError : queryOk).observe(seconds) },
    redis: {
      command(connection, seconds, failed) {
        command.observe({ connection }, seconds);
        if (failed) commandErrors.inc({ connection });
      },
      reconnecting: (connection) => reconnects.inc({ connection }),
    },
    outbound: { outboundRequest: (engine, outcome) => outbound.inc({ engine, outcome }) },
    watchPool(read) {
      new Gauge({
        name: 'testweb_db_pool_connections',
        help: 'Database connections of this process, by state (in_use, idle)',
        labelNames: ['state'] as const,
        registers: [registry],
        collect() {
          const pool = read();
          this.set({ state: 'in_use' }, pool.inUse);
          this.set({ state: 'idle' }, pool.idle);
        },
      });
      new Gauge({
        name: 'testweb_db_pool_waiting_clients',
        help: 'Queries and transactions waiting for a database connection',
        registers: [registry],
        collect() {
          this.set(read().waiting);
        },
      });
      new Gauge({
        name: 'testweb_db_pool_max_connections',
        help: 'Size of the connection pool (DATABASE_POOL_MAX; 1 for PGlite)',
        registers: [registry],
        collect() {
          this.set(read().max);
        },
      });
    },
  };
}
