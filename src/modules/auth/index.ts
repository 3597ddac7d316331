import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/index.ts';
import type { DB } from '../../shared/db/index.ts';
import type { RedisFactory } from '../../shared/redis/index.ts';
import type { EventBus } from '../../shared/events/index.ts';
import type { EmailService } from '../email/index.ts';
import { registerAuthGuard } from './auth-guard.ts';
import { createAccountFeature } from './account/account.module.ts';
import { registerOAuth } from './oauth/index.ts';
import { apiTokensFeature } from './api-tokens/index.ts';

export { markRoutesPublic } from './auth-guard.ts';
export { createUserDirectory } from './user-directory.ts';
export type { LoginAnswer, MfaChallenge, SecondFactor, SignInMethod } from './sign-in.ts';
import { createAuthRateLimiter } from './auth-rate-limiter.ts';
import { registerAuthRoutes } from './auth.routes.ts';
import { registerSessionCookie } from './session-cookie.ts';
import { createAuthService } from './auth.service.ts';
import { createPasswordHasher } from './password-hasher.ts';
import { createPasswordPolicy } from './password-policy.ts';
import { createSessionRepository } from './session.repository.ts';
import { createAccessTokens } from './tokens.ts';
import { createUserRepository } from './user.repository.ts';
import { createMfa } from './mfa/mfa.module.ts';

export interface AuthModuleDeps {
  config: Config;
  db: Kysely<DB>;
  /** With Redis, rate-limit counters are shared by every API process. */
  redis: RedisFactory | null;
  /** Verification, reset and security notices (docs/AUTH.md). */
  email: EmailService;
  events: EventBus;
}

/** Accounts and sessions: installs the /api auth guard and the /api/auth routes. */
export async function authModule(app: FastifyInstance, { config, db, redis, email, events }: AuthModuleDeps) {
  const redisClient = redis?.create('auth-rate-limit');
  // Outages are handled by the in-memory insurance limiter; the factory logs the connection's state.
  if (redisClient) app.addHook('onClose', async () => void redisClient.disconnect());
  // E-mail flows, sessions, admin users (docs/AUTH.md); a revoked session's access tokens stop at once.
  const account = await createAccountFeature(app, {
    config,
    db,
    email,
    events,
    redis: redisClient ? { client: redisClient, keyPrefix: config.redisKeyPrefix } : null,
  });
  const tokens = account.protect(await createAccessTokens(config.jwtSecret, config.accessTokenTtlMs));
  const limiter = createAuthRateLimiter(
    config.authRateLimitIp,
    config.authRateLimitAccount,
    redisClient && { client: redisClient, keyPrefix: config.redisKeyPrefix },
  );
  const users = createUserRepository(db);
  const hasher = await createPasswordHasher();
  const rateLimitStore = redisClient && { client: redisClient, keyPrefix: config.redisKeyPrefix };
  // TOTP MFA (docs/MFA.md): its SecondFactor goes into sign-in, sign-in's issueTokens into its routes.
  const mfa = createMfa({ config, db, hasher, redis: rateLimitStore, log: app.log });
  const service = createAuthService({
    db,
    users,
    sessions: createSessionRepository(db),
    hasher,
    policy: createPasswordPolicy({ minScore: config.passwordMinScore }),
    tokens,
    limiter,
    refreshTtlMs: config.refreshTokenTtlMs,
    reuseGraceMs: config.refreshReuseGraceMs,
    account: account.hooks,
    log: app.log,
    secondFactor: mfa.secondFactor,
  });
  // Bearers are JWTs or personal API tokens (`tw_…`, docs/API_TOKENS.md); /ws takes the same two.
  const apiTokens = apiTokensFeature(app, {
    db,
    jwt: tokens,
    events,
    maxPerUser: config.account.maxApiTokensPerUser,
  });
  registerAuthGuard(app, apiTokens.authenticator);
  // The dashboard's HttpOnly refresh cookie (X-TestWeb-Session: cookie), before the routes it serves.
  registerSessionCookie(app, {
    secure: config.publicUrl.startsWith('https:'),
    refreshTtlMs: config.refreshTokenTtlMs,
  });
  registerAuthRoutes(app, service);
  account.register();
  mfa.register(app, service.issueTokens);
  registerOAuth(app, {
    account: config.account,
    publicUrl: config.publicUrl,
    db,
    users,
    signIn: service.signIn,
    hitIp: limiter.hitIp,
  });
  apiTokens.registerRoutes();
  return { tokens, service, realtimeTokens: apiTokens.realtime };
}
