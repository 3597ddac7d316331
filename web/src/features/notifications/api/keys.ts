/** The query keys of this feature: everything under `notifications` is refetched together after a change. */
export const notificationKeys = {
  all: ['notifications'] as const,
  unreadCount: ['notifications', 'unread-count'] as const,
  lists: ['notifications', 'list'] as const,
  list: (unread: boolean) => ['notifications', 'list', { unread }] as const,
  preferences: ['notifications', 'preferences'] as const,
};
