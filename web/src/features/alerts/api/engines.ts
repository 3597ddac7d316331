import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../lib/api/client';

/**
 * GET /api/engines: every test type with its options JSON Schema and metrics. (The schedules and tests
 * features have the same hook; it belongs in lib/api once shared.)
 */
export function useEngines() {
  return useQuery({
    queryKey: ['engines'],
    queryFn: () => call(api.GET('/api/engines')),
    staleTime: 5 * 60_000,
    select: (d) => d.engines,
  });
}
