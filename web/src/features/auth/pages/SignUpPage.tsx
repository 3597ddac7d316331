import { useState, type FormEvent } from 'react';
import { Link, Navigate } from 'react-router';
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
import { PasswordStrength } from '../components/PasswordStrength';
import { useNext } from '../hooks/useNext';

/** A new account: the strength meter while typing, the server's 400 on the fields, then signed in. */
export default function SignUpPage() {
  const { t } = useTranslation('auth');
  const user = useUser();
  const next = useNext();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const register = useMutation({
    mutationFn: (body: { email: string; password: string }) =>
      callAuth(api.POST('/api/auth/register', { body, headers: SESSION_HEADERS })),
    onSuccess: (answer) => session.signedIn(answer),
  });
  if (user) return <Navigate to={next} replace />;

  const error = register.error;
  const fields = isApiError(error, 400) ? error.fieldErrors() : {};
  if (isApiError(error, 409) && error.code === 'ERR_EMAIL_TAKEN') fields.email = t('error.emailTaken');
  const fieldError = Object.keys(fields).length > 0;
  function submit(e: FormEvent) {
    e.preventDefault();
    register.mutate({ email: email.trim(), password });
  }
  return (
    <AuthLayout
      title={t('signUp.title')}
      footer={
        <p>
          {t('signUp.haveAccount')} <Link to={paths.signIn}>{t('signUp.signIn')}</Link>
        </p>
      }
    >
      <form onSubmit={submit}>
        {!fieldError && <AuthError error={error} />}
        <Field
          label={t('email')}
          type="email"
          name="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fields.email}
          required
          autoFocus
        />
        <Field
          id="signup-password"
          label={t('password')}
          type="password"
          name="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fields.password}
          hint={t('signUp.passwordHint')}
          minLength={10}
          required
        />
        <PasswordStrength password={password} email={email.trim()} />
        <p className="muted">{t('signUp.verifyNote')}</p>
        <button className="btn btn-primary" type="submit" disabled={register.isPending}>
          {register.isPending ? t('signUp.busy') : t('signUp.submit')}
        </button>
      </form>
      <OAuthButtons />
    </AuthLayout>
  );
}
