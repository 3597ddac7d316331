import type { AuthResult, ClientInfo } from './auth.service.ts';
import type { UserRow } from './user.repository.ts';

/** How a sign-in proved the first factor. */
export type SignInMethod = 'password' | 'google' | 'github';

/** The answer of a first factor when the account has MFA: tokens come from POST /api/auth/mfa/verify. */
export interface MfaChallenge {
  mfaRequired: true;
  mfaToken: string;
  /** Seconds the mfaToken stays valid. */
  expiresIn: number;
}

export type LoginAnswer = AuthResult | MfaChallenge;

/**
 * The second factor as sign-in sees it (the MFA feature implements it). Every first factor — password,
 * Google, GitHub — ends in `AuthService.signIn`, which asks this port before issuing tokens, so no path
 * skips the MFA step.
 */
export interface SecondFactor {
  /** A challenge when `user` must pass the MFA step before tokens are issued; null when not. */
  challenge(user: UserRow, client: ClientInfo, method: SignInMethod): Promise<MfaChallenge | null>;
}
