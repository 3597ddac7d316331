import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { MfaRateLimitedError } from './mfa-errors.ts';

/** Wrong codes an account may send in the window before it is refused (OWASP's MFA cheat sheet). */
export const MFA_MAX_ATTEMPTS = 5;
export const MFA_ATTEMPT_WINDOW_MS = 15 * 60_000;

/**
 * Per-account budget of second-factor attempts, whatever the route (verify, enable, disable,
 * regenerate). An attempt takes a point before the code is checked, so parallel guesses cannot overrun
 * the budget; a right answer gives the budget back. With Redis the count is shared by every API
 * process (falling back to memory while Redis is unreachable, as the sign-in limits do).
 */
export interface MfaAttemptLimiter {
  /** Throws MfaRateLimitedError (429, Retry-After) when the account has no attempts left. */
  take(userId: string): Promise<void>;
  /** A right answer: the account's wrong attempts are forgotten. */
  forgive(userId: string): Promise<void>;
}

export function createMfaAttemptLimiter(
  redis?: { client: Redis; keyPrefix: string } | null,
): MfaAttemptLimiter {
  const opts = { points: MFA_MAX_ATTEMPTS, duration: MFA_ATTEMPT_WINDOW_MS / 1000 };
  const memory = new RateLimiterMemory({ keyPrefix: 'auth-mfa', ...opts });
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({
        storeClient: redis.client,
        keyPrefix: `${redis.keyPrefix}auth-mfa`,
        useRedisPackage: false,
        insuranceLimiter: memory,
        rejectIfRedisNotReady: true,
        ...opts,
      })
    : memory;
  return {
    async take(userId) {
      await limiter.consume(userId).catch((err: unknown) => {
        if (err instanceof RateLimiterRes) throw new MfaRateLimitedError(err.msBeforeNext / 1000);
        throw err;
      });
    },
    async forgive(userId) {
      await limiter.delete(userId);
    },
  };
}
