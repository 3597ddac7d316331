/** The dashboard at `/` (web/dist), or the landing page when it is not built. */
export { registerHomeRoutes } from './home.routes.ts';
export { loadDashboard, registerDashboard, type Dashboard } from './dashboard.ts';
