import { AppError, UnauthorizedError, ValidationError } from '../../../shared/http/index.ts';

/** The mfaToken of POST /api/auth/mfa/verify is unknown, expired or already used: sign in again. */
export class MfaTokenError extends UnauthorizedError {
  constructor(kind: 'invalid' | 'expired' | 'used') {
    const messages = {
      invalid: ['The MFA token is not valid; sign in again', 'ERR_MFA_TOKEN_INVALID'],
      expired: ['The MFA token has expired; sign in again', 'ERR_MFA_TOKEN_EXPIRED'],
      used: ['The MFA token was already used; sign in again', 'ERR_MFA_TOKEN_USED'],
    } as const;
    super(...messages[kind]);
  }
}

/** The MFA step of a sign-in failed: the code or backup code is wrong, or its time step was used. */
export class MfaSignInError extends UnauthorizedError {}

/**
 * A signed-in confirmation (enable, disable, regenerate) failed on a field: 400 naming it, not 401,
 * so that a client does not take it for an expired session.
 */
export class MfaConfirmationError extends ValidationError {
  constructor(message: string, field: string, code: string) {
    super(message, [{ field: `/body/${field}`, message }], code);
  }
}

export class MfaStateError extends AppError {
  readonly status = 409;
  readonly title = 'Conflict';
  constructor(
    message: string,
    readonly code: 'ERR_MFA_ALREADY_ENABLED' | 'ERR_MFA_NOT_ENABLED' | 'ERR_MFA_SETUP_REQUIRED',
  ) {
    super(message);
  }
}

export class MfaRateLimitedError extends AppError {
  readonly status = 429;
  readonly code = 'ERR_MFA_RATE_LIMITED';
  readonly title = 'Too Many Requests';
  constructor(retryAfterSeconds: number) {
    super('Too many wrong codes for this account; try again later');
    this.headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}

/**
 * The account's TOTP secret was sealed under a key the server no longer has (ENCRYPTION_KEY changed
 * without the old value in ENCRYPTION_KEY_PREVIOUS). Not the user's fault and not theirs to fix: backup
 * codes still work; an administrator restores the old key (docs/MFA.md).
 */
export class MfaSecretUnreadableError extends AppError {
  readonly status = 503;
  readonly code = 'ERR_MFA_SECRET_UNREADABLE';
  readonly title = 'Service Unavailable';
  constructor() {
    super(
      "This account's two-factor secret cannot be read with the server's encryption key. Use a backup code, or ask the administrator to restore the previous ENCRYPTION_KEY (in ENCRYPTION_KEY_PREVIOUS).",
    );
  }
}
