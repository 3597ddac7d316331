import type { RouteObject } from 'react-router';

/**
 * One test: live progress, the result per engine, and two runs compared; each a lazy chunk. The static
 * `/tests/compare` ranks above `/tests/:testId`.
 */
export const testViewRoutes: RouteObject[] = [
  {
    path: '/tests/compare',
    lazy: () => import('./pages/ComparePage').then((m) => ({ Component: m.default })),
  },
  { path: '/tests/:testId', lazy: () => import('./pages/TestPage').then((m) => ({ Component: m.default })) },
];
