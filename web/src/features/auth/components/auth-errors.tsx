import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../lib/api/problem';
import { formatDuration } from '../../../lib/format';
import { retryAfterOf } from '../api/auth-api';

/** The MFA token of the step is gone (expired, used, unknown): the sign-in starts again. */
export function isMfaTokenError(err: unknown): boolean {
  return isApiError(err, 401) && /^ERR_MFA_TOKEN_/.test(err.code ?? '');
}

/** Words for a failed auth call, in the page's language; the server's detail for anything unforeseen. */
export function useAuthErrorText(): (err: unknown) => string {
  const { t } = useTranslation('auth');
  return (err) => {
    if (!isApiError(err)) return t('error.network');
    const wait = retryAfterOf(err);
    const time = wait ? formatDuration(wait * 1000) : undefined;
    switch (err.code) {
      case 'ERR_INVALID_CREDENTIALS':
        return t('error.invalidCredentials');
      case 'ERR_ACCOUNT_DISABLED':
        return t('error.disabled');
      case 'ERR_EMAIL_TAKEN':
        return t('error.emailTaken');
      case 'ERR_MFA_CODE_INVALID':
      case 'ERR_MFA_CODE_USED':
        return t('error.wrongCode');
      case 'ERR_MFA_RATE_LIMITED':
        return time ? t('error.mfaRateLimited', { time }) : t('error.rateLimitedLater');
    }
    if (err.status === 429) return time ? t('error.rateLimited', { time }) : t('error.rateLimitedLater');
    return t('error.unknown', { detail: err.message });
  };
}

/** A failed call above a form, announced; nothing when there is no error. */
export function AuthError({ error }: { error: unknown }) {
  const text = useAuthErrorText();
  if (!error) return null;
  return (
    <p className="form-error" role="alert">
      {text(error)}
    </p>
  );
}
