import type { RouteObject } from 'react-router';
import { paths } from '../../lib/paths';

/** The public pages: sign in, sign up, MFA, password reset, e-mail verification, the OAuth landing. */
export const authRoutes: RouteObject[] = [
  { path: paths.signIn, lazy: () => import('./pages/SignInPage').then((m) => ({ Component: m.default })) },
];
