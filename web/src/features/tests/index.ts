import type { RouteObject } from 'react-router';
import { paths } from '../../lib/paths';

/** The tests pages, each a lazy chunk. */
export const testsRoutes: RouteObject[] = [
  { path: paths.tests, lazy: () => import('./pages/TestsPage').then((m) => ({ Component: m.default })) },
];
