import { AppError, ValidationError } from '../../../shared/http/index.ts';

/** A disabled account signs in and refreshes no more (an admin disabled it). */
export class AccountDisabledError extends AppError {
  readonly status = 403;
  readonly code = 'ERR_ACCOUNT_DISABLED';
  readonly title = 'Account disabled';
  constructor() {
    super('This account is disabled; ask an administrator');
  }
}

/** An e-mail link's token is unknown, used, expired, or no longer matches the account. */
export class AccountTokenInvalidError extends ValidationError {
  constructor() {
    super(
      'This link is invalid, was already used or has expired; ask for a new one',
      [{ field: '/body/token', message: 'is invalid, used or expired' }],
      'ERR_LINK_INVALID',
    );
  }
}

/** The current password given to confirm a change is wrong. */
export class WrongPasswordError extends ValidationError {
  constructor(field: string) {
    super(
      'The current password is not correct',
      [{ field, message: 'is not your current password' }],
      'ERR_WRONG_PASSWORD',
    );
  }
}

/** The account has no password (it signs in with Google or GitHub only). */
export class NoPasswordError extends AppError {
  readonly status = 409;
  readonly code = 'ERR_NO_PASSWORD';
  readonly title = 'No password set';
  constructor() {
    super('This account has no password; set one with "forgot password" (POST /api/auth/password/forgot)');
  }
}

/** The change would leave no active admin. */
export class LastAdminError extends AppError {
  readonly status = 409;
  readonly code = 'ERR_LAST_ADMIN';
  readonly title = 'Last admin';
  constructor() {
    super('This is the last active admin: promote another admin first');
  }
}
