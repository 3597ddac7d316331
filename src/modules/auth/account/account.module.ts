import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Config } from '../../../config/index.ts';
import type { DB } from '../../../shared/db/index.ts';
import type { EventBus } from '../../../shared/events/index.ts';
import type { EmailService } from '../../email/index.ts';
import { registerAdminUserRoutes } from '../admin-users.routes.ts';
import { createAdminUserRepository } from '../admin-users.repository.ts';
import { createAdminUsersService } from '../admin-users.service.ts';
import { createPasswordHasher } from '../password-hasher.ts';
import { createPasswordPolicy } from '../password-policy.ts';
import { createRevocationList, syncRevocations, withRevocation } from '../revocation.ts';
import { createSessionsRepository } from '../sessions.repository.ts';
import { createSessionControl, createSessionsService } from '../sessions.service.ts';
import type { AccessTokens } from '../tokens.ts';
import { createUserRepository } from '../user.repository.ts';
import { createAccountLimits } from './account-limits.ts';
import { createAccountTokenRepository } from './account-tokens.repository.ts';
import { createAccountUserRepository } from './account-users.repository.ts';
import { registerAccountRoutes, registerSessionRoutes } from './account.routes.ts';
import { createAccountService } from './account.service.ts';

export interface AccountFeatureDeps {
  config: Config;
  db: Kysely<DB>;
  email: EmailService;
  events: EventBus;
  /** Rate-limit counters shared by every API process (null: in memory). */
  redis: { client: Redis; keyPrefix: string } | null;
}

/**
 * The e-mail flows, password changes, the sessions list and admin user management (docs/AUTH.md), and the
 * revocation list that makes a revoked session's access tokens stop working at once. `protect` wraps the
 * access tokens every verifier uses; `hooks` go into sign-in; `register` adds the routes.
 */
export async function createAccountFeature(app: FastifyInstance, d: AccountFeatureDeps) {
  const accessTtlMs = d.config.accessTokenTtlMs;
  const revoked = createRevocationList({
    accessTtlMs,
    onOverflow: () => app.log.warn('revoked-session list full: the oldest entry was dropped'),
  });
  const sync = syncRevocations({ db: d.db, events: d.events, revoked, accessTtlMs, log: app.log });
  app.addHook('onReady', async () => sync.start());
  app.addHook('onClose', async () => sync.stop());

  const control = createSessionControl({
    db: d.db,
    sessions: createSessionsRepository(d.db),
    revoked,
    events: d.events,
    accessTtlMs,
  });
  const account = createAccountService({
    db: d.db,
    users: createUserRepository(d.db),
    accountUsers: createAccountUserRepository(d.db),
    links: createAccountTokenRepository(d.db),
    hasher: await createPasswordHasher(),
    policy: createPasswordPolicy({ minScore: d.config.passwordMinScore }),
    email: d.email,
    limits: createAccountLimits(d.redis),
    control,
    publicUrl: d.config.publicUrl,
    emailVerifyTtlMs: d.config.account.emailVerifyTtlMs,
    passwordResetTtlMs: d.config.account.passwordResetTtlMs,
    log: app.log,
  });
  return {
    revoked,
    protect: (tokens: AccessTokens) => withRevocation(tokens, revoked),
    hooks: {
      afterRegister: account.onRegistered,
      logout: async (userId: string, sessionId: string) =>
        void (await control.revoke(userId, { kind: 'family-of', sessionId }, 'logout')),
    },
    register() {
      registerAccountRoutes(app, account);
      registerSessionRoutes(
        app,
        createSessionsService({ sessions: createSessionsRepository(d.db), control }),
      );
      registerAdminUserRoutes(
        app,
        createAdminUsersService({ db: d.db, users: createAdminUserRepository(d.db), control }),
      );
    },
  };
}
