import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../../shared/http/index.ts';
import type { RateSpec } from '../../config/parse.ts';

/**
 * Limits on register and login: every attempt counts against the client IP; failed attempts count against
 * the e-mail address, so guessing one account's password from many IPs is throttled too.
 * rate-limiter-flexible has memory and Redis stores behind one API; the Redis store arrives with REDIS_URL.
 */
export interface AuthRateLimiter {
  hitIp(ip: string): Promise<void>;
  /**
   * The strength meter's checks (POST /api/auth/password/strength): a counter of their own, per IP, of
   * STRENGTH_CHECKS_PER_ATTEMPT times AUTH_RATE_LIMIT_IP, so typing a password does not use up sign-in attempts.
   */
  hitStrength(ip: string): Promise<void>;
  /** Throws when the account has no attempts left. */
  checkAccount(email: string): Promise<void>;
  hitAccount(email: string): Promise<void>;
  resetAccount(email: string): Promise<void>;
}

/** A meter asks once per pause in typing: a few checks per password typed. */
export const STRENGTH_CHECKS_PER_ATTEMPT = 4;

function toSeconds(spec: RateSpec): number {
  return Math.max(1, Math.ceil(spec.windowMs / 1000));
}

function rethrow(err: unknown, what: string): never {
  if (err instanceof RateLimiterRes)
    throw new TooManyRequestsError(`Too many ${what}; try again later`, err.msBeforeNext / 1000);
  throw err;
}

interface RedisStore {
  client: Redis;
  keyPrefix: string;
}

function limiter(name: string, spec: RateSpec, redis: RedisStore | null | undefined): RateLimiterAbstract {
  const opts = { points: spec.points, duration: toSeconds(spec) };
  const memory = new RateLimiterMemory({ keyPrefix: `auth-${name}`, ...opts });
  if (!redis) return memory;
  // While Redis is unreachable the in-process limiter takes over instead of failing logins, at once: waiting
  // for the connection's retries first held each login for 7–18 s.
  return new RateLimiterRedis({
    storeClient: redis.client,
    keyPrefix: `${redis.keyPrefix}auth-${name}`,
    useRedisPackage: false,
    insuranceLimiter: memory,
    rejectIfRedisNotReady: true,
    ...opts,
  });
}

export function createAuthRateLimiter(
  perIp: RateSpec,
  perAccount: RateSpec,
  redis?: RedisStore | null,
): AuthRateLimiter {
  const ip = limiter('ip', perIp, redis);
  const account = limiter('account', perAccount, redis);
  const strength = limiter(
    'strength',
    { ...perIp, points: perIp.points * STRENGTH_CHECKS_PER_ATTEMPT },
    redis,
  );
  const key = (email: string) => email.trim().toLowerCase();
  return {
    async hitIp(address) {
      await ip.consume(address).catch((err: unknown) => rethrow(err, 'attempts from this address'));
    },
    async hitStrength(address) {
      await strength
        .consume(address)
        .catch((err: unknown) => rethrow(err, 'password checks from this address'));
    },
    async checkAccount(email) {
      const state = await account.get(key(email));
      if (state && state.consumedPoints >= perAccount.points) rethrow(state, 'attempts for this account');
    },
    async hitAccount(email) {
      await account.penalty(key(email), 1);
    },
    async resetAccount(email) {
      await account.delete(key(email));
    },
  };
}
