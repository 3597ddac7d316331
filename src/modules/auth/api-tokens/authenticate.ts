import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../../../shared/http/index.ts';
import { looksLikeApiToken } from './api-token-format.ts';
import { TokenRouteRefusedError, TokenScopeError } from './api-token-errors.ts';
import type { ApiTokenService } from './api-token.service.ts';
import { scopeFor, type ApiTokenScope } from './scopes.ts';

export interface BearerVerifier {
  verify(token: string): Promise<AuthUser>;
}

/**
 * One verifier for every bearer: `tw_…` is a personal API token (looked up by hash), anything else a
 * JWT access token. The auth guard and /ws both call it.
 */
export function createAuthenticator(
  jwt: BearerVerifier,
  apiTokens: Pick<ApiTokenService, 'verify'>,
): BearerVerifier {
  return { verify: (token) => (looksLikeApiToken(token) ? apiTokens.verify(token) : jwt.verify(token)) };
}

/** Throws unless the caller's API token (if it is one) carries `scope`. JWT callers always pass. */
export function requireScope(user: AuthUser, scope: ApiTokenScope): void {
  if (user.apiToken && !user.apiToken.scopes.includes(scope)) throw new TokenScopeError(scope);
}

/**
 * The verifier for /ws: an API token may connect only with `tests:read` (the realtime channels carry
 * test data; admin channels still need the admin role, which a token has only with the `admin` scope).
 */
export function createRealtimeAuthenticator(authenticator: BearerVerifier): BearerVerifier {
  return {
    async verify(token) {
      const user = await authenticator.verify(token);
      requireScope(user, 'tests:read');
      return user;
    },
  };
}

/**
 * Called by the auth guard once the bearer is verified, before the role check: a request made with an API
 * token must have the scope its route needs (scopes.ts), decided from the route the router matched.
 */
export function checkRouteScope(request: FastifyRequest): void {
  const token = request.user?.apiToken;
  if (!token) return;
  const scope = scopeFor(request.method, request.routeOptions.url ?? '');
  if (scope === 'any') return;
  if (scope === 'refused') throw new TokenRouteRefusedError();
  if (!token.scopes.includes(scope)) throw new TokenScopeError(scope);
}
