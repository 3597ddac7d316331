import type { RouteObject } from 'react-router';
import { paths } from '../../lib/paths';

/** The admin pages, each a lazy chunk. */
export const adminRoutes: RouteObject[] = [
  { path: paths.admin, lazy: () => import('./pages/AdminPage').then((m) => ({ Component: m.default })) },
];
