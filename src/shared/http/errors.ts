/**
 * The error family services throw. Each class has a stable `code` that clients can rely on; the error
 * handler turns any AppError into an RFC 9457 problem+json body with the class's status.
 */
export interface FieldError {
  /** JSON pointer to the offending field, e.g. `/body/email`. */
  field: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  abstract readonly title: string;
  /** Extra response headers, such as Retry-After. */
  headers: Record<string, string> = {};
}

export class ValidationError extends AppError {
  readonly status = 400;
  readonly title = 'Invalid request';
  /** `code` names the kind of invalid request where clients tell them apart (e.g. `ERR_UNKNOWN_CHANNEL`). */
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
    readonly code: string = 'ERR_VALIDATION',
  ) {
    super(message);
  }
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly title = 'Unauthorized';
  constructor(
    message = 'Authentication required',
    readonly code: string = 'ERR_UNAUTHORIZED',
  ) {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = 'ERR_FORBIDDEN';
  readonly title = 'Forbidden';
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'ERR_NOT_FOUND';
  readonly title = 'Not Found';
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly title = 'Conflict';
  constructor(
    message: string,
    readonly code: string = 'ERR_CONFLICT',
  ) {
    super(message);
  }
}

export class TooManyRequestsError extends AppError {
  readonly status = 429;
  readonly code = 'ERR_RATE_LIMITED';
  readonly title = 'Too Many Requests';
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}

export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly code = 'ERR_UNAVAILABLE';
  readonly title = 'Service Unavailable';
}
