import type { RouteObject } from 'react-router';
import { paths } from '../../lib/paths';

/** The public pages (outside the signed-in shell): sign in, sign up, MFA, password reset, e-mail verification, the OAuth landing. */
export const authRoutes: RouteObject[] = [
  { path: paths.signIn, lazy: () => import('./pages/SignInPage').then((m) => ({ Component: m.default })) },
  { path: paths.signUp, lazy: () => import('./pages/SignUpPage').then((m) => ({ Component: m.default })) },
  { path: paths.mfa, lazy: () => import('./pages/MfaPage').then((m) => ({ Component: m.default })) },
  {
    path: paths.forgotPassword,
    lazy: () => import('./pages/ForgotPasswordPage').then((m) => ({ Component: m.default })),
  },
  {
    path: paths.resetPassword,
    lazy: () => import('./pages/ResetPasswordPage').then((m) => ({ Component: m.default })),
  },
  {
    path: paths.verifyEmail,
    lazy: () => import('./pages/VerifyEmailPage').then((m) => ({ Component: m.default })),
  },
  {
    path: paths.oauthCallback,
    lazy: () => import('./pages/OAuthCallbackPage').then((m) => ({ Component: m.default })),
  },
];
