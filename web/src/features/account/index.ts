import type { RouteObject } from 'react-router';
import { paths } from '../../lib/paths';

/** The account pages, each a lazy chunk. */
export const accountRoutes: RouteObject[] = [
  { path: paths.account, lazy: () => import('./pages/AccountPage').then((m) => ({ Component: m.default })) },
];
