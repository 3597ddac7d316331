import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
} from '@tanstack/react-query';
import { api, call } from '../../../lib/api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../../../lib/api/types';

export type TestList = ResponseOf<'/api/tests', 'get'>;
export type TestRow = TestList['items'][number];
export type TestFilters = Omit<QueryOf<'/api/tests', 'get'>, 'cursor' | 'limit'>;
export type NewTest = BodyOf<'/api/tests', 'post'>;
export type TestPages = InfiniteData<TestList, string | undefined>;

/** Query keys of this feature: every list page lives under `testKeys.lists`. */
export const testKeys = {
  lists: ['tests', 'list'] as const,
  list: (f: TestFilters) => ['tests', 'list', f] as const,
  schedules: ['schedules', 'filter-options'] as const,
};

const PAGE_SIZE = 20;

/** The history, newest first, page by page ("Load more" asks for the next cursor). */
export function useTestList(filters: TestFilters) {
  return useInfiniteQuery({
    queryKey: testKeys.list(filters),
    queryFn: ({ pageParam }) =>
      call(api.GET('/api/tests', { params: { query: { ...filters, limit: PAGE_SIZE, cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The user's schedules, for the "schedule" filter (the first hundred are plenty for a select). */
export function useScheduleOptions() {
  return useQuery({
    queryKey: testKeys.schedules,
    queryFn: () => call(api.GET('/api/schedules', { params: { query: { limit: 100 } } })),
    staleTime: 60_000,
  });
}

export function useCreateTest() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: NewTest) => call(api.POST('/api/tests', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: testKeys.lists }),
  });
}
