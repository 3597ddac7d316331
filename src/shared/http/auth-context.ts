import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from './errors.ts';

export type Role = 'user' | 'admin';

/** Who is calling, as the auth guard established it from the access token. */
export interface AuthUser {
  id: string;
  role: Role;
  sessionId: string;
  /** Set when the caller used a personal API token (`tw_…`, docs/API_TOKENS.md): its id, scopes, expiry (ms). */
  apiToken?: { id: string; scopes: readonly string[]; expiresAt: number | null };
}

/**
 * Route access levels. Routes under /api need a signed-in user unless they say `auth: 'public'`;
 * `auth: 'admin'` also needs the admin role; `auth: 'optional'` checks a token when one is sent and lets
 * the request through without one (`request.user` null: the route has another credential, such as a
 * signed artifact link, and checks it itself).
 */
export type AccessLevel = 'public' | 'optional' | 'user' | 'admin';

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthUser | null;
  }
  interface FastifyContextConfig {
    auth?: AccessLevel;
  }
}

/** The signed-in user of a guarded route (the guard already rejected anonymous calls). */
export function currentUser(request: FastifyRequest): AuthUser {
  if (!request.user) throw new UnauthorizedError();
  return request.user;
}
