import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../../lib/api/client';
import { isApiError } from '../../../lib/api/problem';
import { session, SESSION_HEADERS } from '../../../lib/auth/session-store';
import { useUser } from '../../../lib/auth/use-session';
import { paths } from '../../../lib/paths';
import { Field } from '../../../components/ui';
import { callAuth } from '../api/auth-api';
import { AuthLayout } from '../components/AuthLayout';
import { AuthError } from '../components/auth-errors';
import { OAuthButtons } from '../components/OAuthButtons';
import { useNext } from '../hooks/useNext';

export type AuthNotice = 'mfaExpired' | 'passwordReset';
export interface MfaState {
  mfaToken: string;
  next: string;
}

/** E-mail and password; then the tests (or `?next=`), or the MFA step when the account has MFA on. */
export default function SignInPage() {
  const { t } = useTranslation('auth');
  const user = useUser();
  const next = useNext();
  const navigate = useNavigate();
  const notice = (useLocation().state as { notice?: AuthNotice } | null)?.notice;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: (body: { email: string; password: string }) =>
      callAuth(api.POST('/api/auth/login', { body, headers: SESSION_HEADERS })),
    onSuccess: (answer) => {
      if ('mfaRequired' in answer) {
        void navigate(paths.mfa, { state: { mfaToken: answer.mfaToken, next } satisfies MfaState });
      } else {
        session.signedIn(answer); // the user changes: the redirect below takes them on
      }
    },
    onError: () => setPassword(''),
  });
  if (user) return <Navigate to={next} replace />;

  const fields = isApiError(login.error, 400) ? login.error.fieldErrors() : {};
  function submit(e: FormEvent) {
    e.preventDefault();
    login.mutate({ email: email.trim(), password });
  }
  return (
    <AuthLayout
      title={t('signIn.title')}
      footer={
        <p>
          {t('signIn.noAccount')} <Link to={paths.signUp}>{t('signIn.signUp')}</Link>
        </p>
      }
    >
      {notice && !login.error && (
        <p className={`auth-notice${notice === 'passwordReset' ? ' auth-success' : ''}`} role="status">
          {t(`signIn.${notice}`)}
        </p>
      )}
      <form onSubmit={submit}>
        {!isApiError(login.error, 400) && <AuthError error={login.error} />}
        <Field
          label={t('email')}
          type="email"
          name="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fields.email}
          required
          autoFocus
        />
        <Field
          label={t('password')}
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fields.password}
          required
        />
        <div className="auth-links">
          <Link to={paths.forgotPassword}>{t('signIn.forgot')}</Link>
        </div>
        <button className="btn btn-primary" type="submit" disabled={login.isPending}>
          {login.isPending ? t('signIn.busy') : t('signIn.submit')}
        </button>
      </form>
      <OAuthButtons />
    </AuthLayout>
  );
}
