import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../lib/api/client';
import { useChannel } from '../../../lib/realtime/use-channel';
import { paths } from '../../../lib/paths';
import { notificationKeys } from '../api/keys';

/**
 * The bell in the header of every signed-in page: the unread count, read once and then kept live by the
 * `user-notifications` channel (refetched after a gap). It also tells the inbox to refetch when a
 * notification arrives. Small on purpose: it is in the first page's bundle.
 */
export function NotificationBell() {
  const { t } = useTranslation('notifications');
  const queryClient = useQueryClient();
  const unread = useQuery({
    queryKey: notificationKeys.unreadCount,
    queryFn: () => call(api.GET('/api/notifications/unread-count')),
  });
  useChannel('user-notifications', {
    message(m) {
      if (m.event === 'notification.unread-count') {
        const count = (m.data as { count?: number }).count;
        if (typeof count === 'number') queryClient.setQueryData(notificationKeys.unreadCount, { count });
      } else if (m.event === 'notification') {
        void queryClient.invalidateQueries({ queryKey: notificationKeys.lists });
      }
    },
    gap() {
      void queryClient.invalidateQueries({ queryKey: notificationKeys.all });
    },
  });
  const count = unread.data?.count ?? 0;
  // Its name is the hidden sentence ("Notifications, 2 unread"); the visible word and badge say the same.
  return (
    <Link to={paths.notifications} className="btn btn-small" data-unread={count}>
      <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
        />
      </svg>
      <span aria-hidden="true">{t('bell.short')}</span>
      {count > 0 && (
        <span className="badge" aria-hidden="true">
          {count > 99 ? '99+' : count}
        </span>
      )}
      <span className="sr-only">{t('bell.label', { count })}</span>
    </Link>
  );
}
