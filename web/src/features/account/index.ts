import type { ComponentType } from 'react';
import type { RouteObject } from 'react-router';
import { paths } from '../../lib/paths';

const page = (load: () => Promise<{ default: ComponentType }>) => () =>
  load().then((m) => ({ Component: m.default }));

/** The account: a lazy layout with tabs, each tab a lazy chunk of its own. */
export const accountRoutes: RouteObject[] = [
  {
    path: paths.account,
    lazy: page(() => import('./pages/AccountLayout')),
    children: [
      { index: true, lazy: page(() => import('./pages/ProfilePage')) },
      { path: paths.accountSecurity, lazy: page(() => import('./pages/SecurityPage')) },
      { path: paths.accountProviders, lazy: page(() => import('./pages/ProvidersPage')) },
      { path: paths.accountSessions, lazy: page(() => import('./pages/SessionsPage')) },
      { path: paths.accountTokens, lazy: page(() => import('./pages/TokensPage')) },
    ],
  },
];
