import { createBrowserRouter, Navigate, Outlet, type RouteObject } from 'react-router';
import { accountRoutes } from '../features/account';
import { adminRoutes } from '../features/admin';
import { alertsRoutes } from '../features/alerts';
import { authRoutes } from '../features/auth';
import { notificationsRoutes } from '../features/notifications';
import { schedulesRoutes } from '../features/schedules';
import { testsRoutes } from '../features/tests';
import { testViewRoutes } from '../features/test-view';
import { paths } from '../lib/paths';
import { RequireAdmin, RequireAuth } from './guards';
import { NotFoundPage } from './NotFoundPage';
import { Shell } from './Shell';
import { Loading } from '../components/states';

/**
 * Every page: the public auth pages, then the signed-in shell with each feature's routes (each a lazy
 * chunk, so the first page loads only what it shows).
 */
const routes: RouteObject[] = [
  ...authRoutes.map((r) => ({ ...r, HydrateFallback: Loading })),
  {
    HydrateFallback: Loading,
    element: (
      <RequireAuth>
        <Shell />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Navigate to={paths.tests} replace /> },
      ...testsRoutes,
      ...testViewRoutes,
      ...schedulesRoutes,
      ...alertsRoutes,
      ...notificationsRoutes,
      ...accountRoutes,
      {
        element: (
          <RequireAdmin>
            <Outlet />
          </RequireAdmin>
        ),
        children: adminRoutes,
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

export const router = createBrowserRouter(routes);
