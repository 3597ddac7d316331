import type { RouteObject } from 'react-router';
import { paths } from '../../lib/paths';

/** The tests history and the new-test form, each a lazy chunk. */
export const testsRoutes: RouteObject[] = [
  { path: paths.tests, lazy: () => import('./pages/TestsPage').then((m) => ({ Component: m.default })) },
  { path: paths.newTest, lazy: () => import('./pages/NewTestPage').then((m) => ({ Component: m.default })) },
];
