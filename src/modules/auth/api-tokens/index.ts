import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../../shared/db/index.ts';
import type { EventBus } from '../../../shared/events/index.ts';
import { createApiTokenRepository } from './api-token.repository.ts';
import { registerApiTokenRoutes } from './api-token.routes.ts';
import { createApiTokenService } from './api-token.service.ts';
import { createAuthenticator, createRealtimeAuthenticator, type BearerVerifier } from './authenticate.ts';

export { checkRouteScope, requireScope, type BearerVerifier } from './authenticate.ts';
export { API_TOKEN_SCOPES, SCOPE_RULES, ruleFor, scopeFor, type ApiTokenScope } from './scopes.ts';

export interface ApiTokensDeps {
  db: Kysely<DB>;
  /** The JWT access-token verifier; bearers without the `tw_` prefix go to it. */
  jwt: BearerVerifier;
  /** ApiTokenRevoked and AccessRevoked from every process evict remembered tokens at once. */
  events: EventBus;
  maxPerUser: number;
  now?: () => number;
}

/**
 * Personal API tokens: the verifiers the guard (`authenticator`) and /ws (`realtime`) use, and
 * `registerRoutes` for /api/auth/tokens (called after the guard is installed).
 */
export function apiTokensFeature(app: FastifyInstance, { db, jwt, events, maxPerUser, now }: ApiTokensDeps) {
  const service = createApiTokenService({
    repo: createApiTokenRepository(db),
    maxPerUser,
    events,
    log: app.log,
    now,
  });
  const unsubscribe = [
    events.subscribe('ApiTokenRevoked', (e) => service.forgetToken(e.tokenId)),
    events.subscribe('AccessRevoked', (e) => service.forgetUser(e.userId)),
  ];
  app.addHook('onClose', async () => unsubscribe.forEach((stop) => stop()));
  const authenticator = createAuthenticator(jwt, service);
  return {
    service,
    authenticator,
    realtime: createRealtimeAuthenticator(authenticator),
    registerRoutes: () => registerApiTokenRoutes(app, service),
  };
}
