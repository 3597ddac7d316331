import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';

/**
 * A cursor-paged admin list (`items` + `nextCursor`) as one growing array, with "load more".
 * `refetchInterval` keeps live lists (queue jobs) fresh.
 */
export function useCursorList<T>(
  queryKey: QueryKey,
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
  options: { refetchInterval?: number } = {},
) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => page(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: options.refetchInterval,
  });
  return { ...query, items: query.data?.pages.flatMap((p) => p.items) ?? [] };
}
