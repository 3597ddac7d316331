import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../../../shared/http/index.ts';

/** The limits of the e-mail flows (docs/AUTH.md): count per window. */
export const ACCOUNT_LIMITS = {
  /** Verification e-mails a signed-in user may ask for again. */
  resendPerUser: { points: 3, windowMs: 3_600_000 },
  /** Password-reset requests per client IP, and per e-mail address (known or not: the answer is the same). */
  forgotPerIp: { points: 10, windowMs: 3_600_000 },
  forgotPerAddress: { points: 3, windowMs: 3_600_000 },
  /** Wrong current passwords (password change, e-mail change) per account. */
  passwordChecksPerUser: { points: 5, windowMs: 900_000 },
} as const;

type LimitName = keyof typeof ACCOUNT_LIMITS;

export interface AccountLimits {
  /** Counts one attempt; throws 429 (with Retry-After) once the window's attempts are used up. */
  hit(name: LimitName, key: string, what: string): Promise<void>;
  /** Throws 429 while the window's attempts are used up, without counting one. */
  check(name: LimitName, key: string, what: string): Promise<void>;
}

function tooMany(res: RateLimiterRes, what: string): TooManyRequestsError {
  return new TooManyRequestsError(`Too many ${what}; try again later`, res.msBeforeNext / 1000);
}

/** rate-limiter-flexible as the sign-in limits use it: in Redis when there is one, in memory otherwise. */
export function createAccountLimits(redis?: { client: Redis; keyPrefix: string } | null): AccountLimits {
  const limiters = Object.fromEntries(
    Object.entries(ACCOUNT_LIMITS).map(([name, spec]) => {
      const opts = { points: spec.points, duration: Math.ceil(spec.windowMs / 1000) };
      const memory = new RateLimiterMemory({ keyPrefix: `account-${name}`, ...opts });
      const limiter = redis
        ? new RateLimiterRedis({
            storeClient: redis.client,
            keyPrefix: `${redis.keyPrefix}account-${name}`,
            useRedisPackage: false,
            insuranceLimiter: memory,
            rejectIfRedisNotReady: true,
            ...opts,
          })
        : memory;
      return [name, limiter];
    }),
  ) as Record<LimitName, RateLimiterMemory | RateLimiterRedis>;
  return {
    async hit(name, key, what) {
      await limiters[name].consume(key.toLowerCase()).catch((err: unknown) => {
        throw err instanceof RateLimiterRes ? tooMany(err, what) : err;
      });
    },
    async check(name, key, what) {
      const state = await limiters[name].get(key.toLowerCase());
      if (state && state.consumedPoints >= ACCOUNT_LIMITS[name].points) throw tooMany(state, what);
    },
  };
}
