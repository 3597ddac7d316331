import type { RouteObject } from 'react-router';
import { paths } from '../../lib/paths';

/** The schedules pages, each a lazy chunk. */
export const schedulesRoutes: RouteObject[] = [
  {
    path: paths.schedules,
    lazy: () => import('./pages/SchedulesPage').then((m) => ({ Component: m.default })),
  },
  {
    path: paths.newSchedule,
    lazy: () => import('./pages/ScheduleFormPage').then((m) => ({ Component: m.default })),
  },
  {
    path: paths.editSchedule(':id'),
    lazy: () => import('./pages/ScheduleFormPage').then((m) => ({ Component: m.default })),
  },
  {
    path: paths.schedule(':id'),
    lazy: () => import('./pages/ScheduleDetailPage').then((m) => ({ Component: m.default })),
  },
];
