import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../../lib/api/client';
import { isApiError } from '../../../lib/api/problem';
import { session } from '../../../lib/auth/session-store';
import { paths } from '../../../lib/paths';
import { Field } from '../../../components/ui';
import { callAuth } from '../api/auth-api';
import { AuthLayout } from '../components/AuthLayout';
import { AuthError } from '../components/auth-errors';
import { PasswordStrength } from '../components/PasswordStrength';
import type { AuthNotice } from './SignInPage';

/**
 * The reset e-mail's link (`/reset-password?token=…`): a new password with the strength meter. The reset
 * signs the account out everywhere, so it ends on the sign-in page.
 */
export default function ResetPasswordPage() {
  const { t } = useTranslation('auth');
  const navigate = useNavigate();
  const token = useSearchParams()[0].get('token');
  const [password, setPassword] = useState('');
  const reset = useMutation({
    mutationFn: (body: { token: string; password: string }) =>
      callAuth(api.POST('/api/auth/password/reset', { body })),
    onSuccess: () => {
      // Every session of the account was revoked, this browser's too if it was signed in.
      if (session.user()) session.signedOut();
      void navigate(paths.signIn, { replace: true, state: { notice: 'passwordReset' satisfies AuthNotice } });
    },
  });
  const back = (
    <p>
      <Link to={paths.signIn}>{t('forgot.back')}</Link>
    </p>
  );
  const linkInvalid = isApiError(reset.error, 400) && reset.error.code === 'ERR_LINK_INVALID';
  if (!token || linkInvalid)
    return (
      <AuthLayout title={t('reset.title')} footer={back}>
        <p className={linkInvalid ? 'form-error' : undefined} role={linkInvalid ? 'alert' : undefined}>
          {linkInvalid ? t('reset.invalid') : t('reset.noToken')}
        </p>
        <Link className="btn" to={paths.forgotPassword}>
          {t('reset.askAgain')}
        </Link>
      </AuthLayout>
    );

  const fields = isApiError(reset.error, 400) ? reset.error.fieldErrors() : {};
  function submit(e: FormEvent) {
    e.preventDefault();
    reset.mutate({ token: token!, password });
  }
  return (
    <AuthLayout title={t('reset.title')} footer={back}>
      <form onSubmit={submit}>
        {!fields.password && <AuthError error={reset.error} />}
        <Field
          label={t('newPassword')}
          type="password"
          name="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fields.password}
          hint={t('signUp.passwordHint')}
          minLength={10}
          required
          autoFocus
        />
        <PasswordStrength password={password} />
        <button className="btn btn-primary" type="submit" disabled={reset.isPending}>
          {reset.isPending ? t('reset.busy') : t('reset.submit')}
        </button>
      </form>
    </AuthLayout>
  );
}
