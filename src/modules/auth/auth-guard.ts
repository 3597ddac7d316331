import type { FastifyInstance } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../../shared/http/index.ts';
import type { AccessTokens } from './tokens.ts';

function bearer(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/**
 * Guards every route under /api: a valid access token is required unless the route's config says
 * `auth: 'public'`, and `auth: 'admin'` also requires the admin role. Secure by default — a new route
 * that forgets to declare its access level is private.
 */
export function registerAuthGuard(app: FastifyInstance, tokens: AccessTokens): void {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    const level = request.routeOptions.config?.auth ?? 'user';
    // An unknown route (no routeOptions.url) answers 404 whoever asks.
    if (level === 'public' || !request.routeOptions.url || !request.url.startsWith('/api/')) return;
    const token = bearer(request.headers.authorization);
    if (!token) throw new UnauthorizedError('Missing bearer token: send Authorization: Bearer <access token>');
    request.user = await tokens.verify(token);
    if (level === 'admin' && request.user.role !== 'admin') throw new ForbiddenError('This action needs the admin role');
  });
}
