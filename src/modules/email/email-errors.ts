import { AppError } from '../../shared/http/index.ts';

/** The rendered message is larger than EMAIL_MAX_BYTES (text plus HTML); nothing was written. */
export class EmailTooLargeError extends AppError {
  readonly status = 413;
  readonly code = 'ERR_EMAIL_TOO_LARGE';
  readonly title = 'E-mail too large';
}
