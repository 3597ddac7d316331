import type { RouteObject } from 'react-router';
import { paths } from '../../lib/paths';

/** The admin pages (RequireAdmin wraps them in app/router.tsx), each a lazy chunk. */
export const adminRoutes: RouteObject[] = [
  { path: paths.admin, lazy: () => import('./pages/OverviewPage').then((m) => ({ Component: m.default })) },
  { path: paths.adminQueue, lazy: () => import('./pages/QueuePage').then((m) => ({ Component: m.default })) },
  { path: paths.adminUsers, lazy: () => import('./pages/UsersPage').then((m) => ({ Component: m.default })) },
  { path: paths.adminCache, lazy: () => import('./pages/CachePage').then((m) => ({ Component: m.default })) },
  {
    path: paths.adminOutbox,
    lazy: () => import('./pages/OutboxPage').then((m) => ({ Component: m.default })),
  },
];
