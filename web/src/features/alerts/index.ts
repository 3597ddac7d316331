import type { RouteObject } from 'react-router';
import { paths } from '../../lib/paths';

/** The alerts pages, each a lazy chunk. */
export const alertsRoutes: RouteObject[] = [
  { path: paths.alerts, lazy: () => import('./pages/AlertsPage').then((m) => ({ Component: m.default })) },
];
