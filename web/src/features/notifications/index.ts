import type { RouteObject } from 'react-router';
import { paths } from '../../lib/paths';

export { NotificationBell } from './components/NotificationBell';

/** The inbox and preferences pages, each a lazy chunk. */
export const notificationsRoutes: RouteObject[] = [
  {
    path: paths.notifications,
    lazy: () => import('./pages/InboxPage').then((m) => ({ Component: m.default })),
  },
  {
    path: paths.notificationPreferences,
    lazy: () => import('./pages/PreferencesPage').then((m) => ({ Component: m.default })),
  },
];
