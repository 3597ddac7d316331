import type { FastifyInstance, RouteOptions } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../../shared/http/index.ts';
import { checkRouteScope, type BearerVerifier } from './api-tokens/index.ts';

function bearer(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/**
 * Guards every route: a valid access token is required unless the route's config says `auth: 'public'`,
 * and `auth: 'admin'` also requires the admin role. The decision is made from the route the router
 * matched, never from the raw URL (`/%61pi/…`, `//api/…` and absolute-form request lines reach the same
 * route under another spelling). Secure by default: a route that forgets to declare its access level is
 * private, wherever it lives.
 */
export function registerAuthGuard(app: FastifyInstance, tokens: BearerVerifier): void {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    // No route matched: the 404 handler serves nothing, so anyone may be told there is nothing here.
    if (request.is404) return;
    const level = request.routeOptions.config.auth ?? 'user';
    if (level === 'public') return;
    const token = bearer(request.headers.authorization);
    if (!token && level === 'optional') return;
    if (!token)
      throw new UnauthorizedError('Missing bearer token: send Authorization: Bearer <access token>');
    request.user = await tokens.verify(token);
    // A personal API token (`tw_…`) needs the scope its route needs (api-tokens/scopes.ts).
    checkRouteScope(request);
    if (level === 'admin' && request.user.role !== 'admin')
      throw new ForbiddenError('This action needs the admin role');
  });
}

/**
 * An onRoute hook marking every route it sees public. For routes a plugin registers (the swagger UI):
 * add it to an encapsulated context and register the plugin inside that context.
 */
export function markRoutesPublic(route: RouteOptions): void {
  route.config = { ...route.config, auth: 'public' };
}
