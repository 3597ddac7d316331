import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../lib/api/client';
import type { ResponseOf } from '../../../lib/api/types';
import { notificationKeys } from '../api/keys';

export type Notification = ResponseOf<'/api/notifications', 'get'>['items'][number];

const PAGE = 20;

/** The inbox, newest first, a cursor page at a time (`unread`: only the unread ones). */
export function useInbox(unread: boolean) {
  return useInfiniteQuery({
    queryKey: notificationKeys.list(unread),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/notifications', {
          params: { query: { limit: PAGE, cursor: pageParam, ...(unread ? { unread: true } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** Mutations of the inbox; each refetches the lists and the count when it is done. */
export function useInboxActions() {
  const queryClient = useQueryClient();
  const onSettled = () => queryClient.invalidateQueries({ queryKey: notificationKeys.all });
  return {
    read: useMutation({
      mutationFn: (id: string) => call(api.PUT('/api/notifications/{id}/read', { params: { path: { id } } })),
      onSettled,
    }),
    readSome: useMutation({
      mutationFn: (ids: string[]) => call(api.PUT('/api/notifications/read', { body: { ids } })),
      onSettled,
    }),
    readAll: useMutation({
      mutationFn: () => call(api.PUT('/api/notifications/read-all')),
      onSettled,
    }),
    remove: useMutation({
      mutationFn: (id: string) => call(api.DELETE('/api/notifications/{id}', { params: { path: { id } } })),
      onSettled,
    }),
  };
}
