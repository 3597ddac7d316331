import type { RouteObject } from 'react-router';
import { paths } from '../../lib/paths';

/** The alerts pages, each a lazy chunk. */
export const alertsRoutes: RouteObject[] = [
  { path: paths.alerts, lazy: () => import('./pages/AlertsPage').then((m) => ({ Component: m.default })) },
  {
    path: paths.newAlertRule,
    lazy: () => import('./pages/RuleEditorPage').then((m) => ({ Component: m.default })),
  },
  {
    path: paths.alertRule(':id'),
    lazy: () => import('./pages/RuleEditorPage').then((m) => ({ Component: m.default })),
  },
  {
    path: paths.alertHistory,
    lazy: () => import('./pages/AlertHistoryPage').then((m) => ({ Component: m.default })),
  },
  {
    path: paths.alertDeliveries,
    lazy: () => import('./pages/DeliveriesPage').then((m) => ({ Component: m.default })),
  },
];
