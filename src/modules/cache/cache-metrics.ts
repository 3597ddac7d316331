import { Counter, Registry } from 'prom-client';
import { CACHE_NAMESPACES, type CacheNamespace } from './cache-keys.ts';

export interface NamespaceStats {
  hits: number;
  misses: number;
  /** hits / (hits + misses), or null before the first read. */
  hitRate: number | null;
}

/**
 * Prometheus counters of one process's cache. They live in their own registry (no global default
 * registry: two apps in one test process must not share counters); the monitoring module can merge it.
 */
export interface CacheMetrics {
  readonly registry: Registry;
  hit(namespace: CacheNamespace, layer: 'l1' | 'l2'): void;
  miss(namespace: CacheNamespace): void;
  error(source: 'redis' | 'bus' | 'cache'): void;
  invalidation(kind: 'key' | 'tag' | 'pattern' | 'flush'): void;
  /** Per-namespace figures read back from the counters, plus the total under `all`. */
  snapshot(): Promise<{ all: NamespaceStats; namespaces: Record<string, NamespaceStats>; errors: number }>;
}

function rate(hits: number, misses: number): number | null {
  return hits + misses === 0 ? null : hits / (hits + misses);
}

export function createCacheMetrics(): CacheMetrics {
  const registry = new Registry();
  const hits = new Counter({
    name: 'testweb_cache_hits_total',
    help: 'Cache reads answered from the cache',
    labelNames: ['namespace', 'layer'] as const,
    registers: [registry],
  });
  const misses = new Counter({
    name: 'testweb_cache_misses_total',
    help: 'Cache reads that went to the source',
    labelNames: ['namespace'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'testweb_cache_errors_total',
    help: 'Cache operations that failed (the request was served from the source)',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const invalidations = new Counter({
    name: 'testweb_cache_invalidations_total',
    help: 'Cache invalidations by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  return {
    registry,
    hit: (namespace, layer) => hits.inc({ namespace, layer }),
    miss: (namespace) => misses.inc({ namespace }),
    error: (source) => errors.inc({ source }),
    invalidation: (kind) => invalidations.inc({ kind }),
    async snapshot() {
      const byNs = new Map<string, { hits: number; misses: number }>(
        [...CACHE_NAMESPACES, 'other'].map((ns) => [ns, { hits: 0, misses: 0 }]),
      );
      for (const v of (await hits.get()).values) byNs.get(String(v.labels.namespace))!.hits += v.value;
      for (const v of (await misses.get()).values) byNs.get(String(v.labels.namespace))!.misses += v.value;
      let h = 0;
      let m = 0;
      const namespaces: Record<string, NamespaceStats> = {};
      for (const [ns, c] of byNs) {
        h += c.hits;
        m += c.misses;
        namespaces[ns] = { ...c, hitRate: rate(c.hits, c.misses) };
      }
      const errorCount = (await errors.get()).values.reduce((sum, v) => sum + v.value, 0);
      return { all: { hits: h, misses: m, hitRate: rate(h, m) }, namespaces, errors: errorCount };
    },
  };
}
