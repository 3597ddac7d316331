import { AppError, UnauthorizedError } from '../../../shared/http/index.ts';

/** 403 ERR_TOKEN_SCOPE: the token is valid but lacks the scope this route needs (RFC 6750 §3.1). */
export class TokenScopeError extends AppError {
  readonly status = 403;
  readonly code = 'ERR_TOKEN_SCOPE';
  readonly title = 'Insufficient scope';
  constructor(readonly scope: string) {
    super(`This API token lacks the scope "${scope}" that this route needs`);
    this.headers['www-authenticate'] = `Bearer error="insufficient_scope", scope="${scope}"`;
  }
}

/** 403 ERR_TOKEN_NOT_ALLOWED: the route is closed to API tokens whatever their scopes (sign in instead). */
export class TokenRouteRefusedError extends AppError {
  readonly status = 403;
  readonly code = 'ERR_TOKEN_NOT_ALLOWED';
  readonly title = 'Not available to API tokens';
  constructor() {
    super('This route needs a signed-in session; personal API tokens cannot use it');
  }
}

/** 403 ERR_TOKEN_ADMIN_SCOPE: only admins may create a token with the `admin` scope. */
export class AdminScopeError extends AppError {
  readonly status = 403;
  readonly code = 'ERR_TOKEN_ADMIN_SCOPE';
  readonly title = 'Forbidden';
  constructor() {
    super('Only admins may create a token with the "admin" scope');
  }
}

/** 409 ERR_TOKEN_LIMIT: the account has as many live tokens as API_TOKEN_MAX_PER_USER allows. */
export class TokenLimitError extends AppError {
  readonly status = 409;
  readonly code = 'ERR_TOKEN_LIMIT';
  readonly title = 'Conflict';
  constructor(max: number) {
    super(`You have ${max} API tokens, the most allowed: delete one first`);
  }
}

/** One 401 for unknown, revoked and malformed tokens, so probing learns nothing; expiry says itself. */
export const apiTokenUnauthorized = {
  invalid: () => new UnauthorizedError('API token is invalid or revoked', 'ERR_TOKEN_INVALID'),
  expired: () => new UnauthorizedError('API token has expired', 'ERR_TOKEN_EXPIRED'),
  disabled: () => new UnauthorizedError('This account is disabled', 'ERR_ACCOUNT_DISABLED'),
};
