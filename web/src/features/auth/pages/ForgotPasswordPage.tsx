import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../../lib/api/client';
import { isApiError } from '../../../lib/api/problem';
import { paths } from '../../../lib/paths';
import { Field } from '../../../components/ui';
import { callAuth } from '../api/auth-api';
import { AuthLayout } from '../components/AuthLayout';
import { AuthError } from '../components/auth-errors';

/** Asks for a reset link; the answer is the same whether or not the address has an account. */
export default function ForgotPasswordPage() {
  const { t } = useTranslation('auth');
  const [email, setEmail] = useState('');
  const forgot = useMutation({
    mutationFn: (body: { email: string }) => callAuth(api.POST('/api/auth/password/forgot', { body })),
  });
  const back = (
    <p>
      <Link to={paths.signIn}>{t('forgot.back')}</Link>
    </p>
  );
  if (forgot.isSuccess)
    return (
      <AuthLayout title={t('forgot.sentTitle')} footer={back}>
        <p className="auth-notice auth-success" role="status">
          {t('forgot.sent', { email: forgot.variables.email })}
        </p>
      </AuthLayout>
    );
  const fields = isApiError(forgot.error, 400) ? forgot.error.fieldErrors() : {};
  function submit(e: FormEvent) {
    e.preventDefault();
    forgot.mutate({ email: email.trim() });
  }
  return (
    <AuthLayout title={t('forgot.title')} footer={back}>
      <form onSubmit={submit}>
        <p className="muted">{t('forgot.intro')}</p>
        {!fields.email && <AuthError error={forgot.error} />}
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
        <button className="btn btn-primary" type="submit" disabled={forgot.isPending}>
          {forgot.isPending ? t('forgot.busy') : t('forgot.submit')}
        </button>
      </form>
    </AuthLayout>
  );
}
