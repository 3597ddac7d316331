import { createHash, randomBytes } from 'node:crypto';
import type { SecondFactor } from '../sign-in.ts';
import type { MfaChallengeRepository } from './mfa-challenge.repository.ts';

export function hashMfaToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The SecondFactor port sign-in asks after every first factor (password, Google, GitHub): an account with
 * MFA on gets an mfaToken (256 random bits, only its hash stored, single use, bound to the account,
 * MFA_TOKEN_TTL) instead of tokens. It looks at nothing but the account, so it answers the same whichever
 * way the first factor was proven, and an account without a password is no different.
 */
export function createSecondFactor(d: {
  challenges: MfaChallengeRepository;
  tokenTtlMs: number;
  now: () => number;
}): SecondFactor {
  return {
    async challenge(user, client, method) {
      if (!user.mfa_enabled) return null;
      const mfaToken = randomBytes(32).toString('base64url');
      const now = d.now();
      await d.challenges.create({
        userId: user.id,
        tokenHash: hashMfaToken(mfaToken),
        meta: { method, ip: client.ip, userAgent: client.userAgent?.slice(0, 512) ?? null },
        expiresAt: new Date(now + d.tokenTtlMs),
        now: new Date(now),
      });
      return { mfaRequired: true, mfaToken, expiresIn: Math.max(1, Math.round(d.tokenTtlMs / 1000)) };
    },
  };
}
