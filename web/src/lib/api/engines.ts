import { useQuery } from '@tanstack/react-query';
import { api, call } from './client';
import type { Engine } from './types';

/** One cache entry for GET /api/engines, whichever page asks. */
export const ENGINES_KEY = ['engines'] as const;

const identity = (engines: Engine[]) => engines;

/**
 * The test types (GET /api/engines): each with its options JSON Schema, metrics with units and
 * availability. `select` shapes them for the caller (`useEngineMap` keys them by name).
 */
export function useEngines<T = Engine[]>(select: (engines: Engine[]) => T = identity as (e: Engine[]) => T) {
  return useQuery({
    queryKey: ENGINES_KEY,
    queryFn: () => call(api.GET('/api/engines')),
    staleTime: 5 * 60_000,
    select: (d) => select(d.engines),
  });
}

const byName = (engines: Engine[]) => new Map(engines.map((e) => [e.name, e]));

/** The engines keyed by name. */
export function useEngineMap() {
  return useEngines(byName);
}
