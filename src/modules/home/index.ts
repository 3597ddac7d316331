/** The landing page at `/`. */
export { registerHomeRoutes } from './home.routes.ts';
