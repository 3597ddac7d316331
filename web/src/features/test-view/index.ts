import type { RouteObject } from 'react-router';

/** One test: live progress, the result per engine, and two runs compared; each a lazy chunk. */
export const testViewRoutes: RouteObject[] = [
  { path: '/tests/:testId', lazy: () => import('./pages/TestPage').then((m) => ({ Component: m.default })) },
];
