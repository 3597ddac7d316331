import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Config } from '../../../config/index.ts';
import { createSecretBox } from '../../../shared/crypto/index.ts';
import type { DB } from '../../../shared/db/index.ts';
import type { AuthResult, ClientInfo } from '../auth.service.ts';
import type { PasswordHasher } from '../password-hasher.ts';
import type { SecondFactor } from '../sign-in.ts';
import type { UserRow } from '../user.repository.ts';
import { createMfaChallengeRepository } from './mfa-challenge.repository.ts';
import { createMfaAttemptLimiter } from './mfa-rate-limiter.ts';
import { createMfaRepository } from './mfa.repository.ts';
import { registerMfaRoutes } from './mfa.routes.ts';
import { createMfaService } from './mfa.service.ts';
import { createSecondFactor } from './second-factor.ts';
import { createTotp } from './totp.ts';

export interface MfaDeps {
  config: Config;
  db: Kysely<DB>;
  hasher: PasswordHasher;
  /** With Redis, the wrong-code budget is shared by every API process. */
  redis: { client: Redis; keyPrefix: string } | null | undefined;
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
  now?: () => number;
}

/**
 * TOTP MFA (docs/MFA.md) in two halves, because sign-in and MFA need each other: `secondFactor` goes into
 * the auth service, whose `issueTokens` then goes into `register` with the routes.
 */
export function createMfa({ config, db, hasher, redis, log, now = () => Date.now() }: MfaDeps) {
  const challenges = createMfaChallengeRepository(db);
  const secondFactor: SecondFactor = createSecondFactor({
    challenges,
    tokenTtlMs: config.account.mfaTokenTtlMs,
    now,
  });
  return {
    secondFactor,
    register(app: FastifyInstance, issueTokens: (user: UserRow, client: ClientInfo) => Promise<AuthResult>) {
      const service = createMfaService({
        db,
        repo: createMfaRepository(db),
        challenges,
        box: createSecretBox(config.encryptionKey, config.account.previousEncryptionKeys),
        totp: createTotp({ now }),
        limiter: createMfaAttemptLimiter(redis),
        hasher,
        now,
        issueTokens,
        log,
      });
      registerMfaRoutes(app, service);
      return service;
    },
  };
}
