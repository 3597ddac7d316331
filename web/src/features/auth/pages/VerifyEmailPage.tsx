import { useEffect } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../../lib/api/client';
import { isApiError } from '../../../lib/api/problem';
import { session } from '../../../lib/auth/session-store';
import { useUser } from '../../../lib/auth/use-session';
import { paths } from '../../../lib/paths';
import { ErrorState, Loading } from '../../../components/states';
import { callAuth } from '../api/auth-api';
import { AuthLayout } from '../components/AuthLayout';

/**
 * The verification e-mail's link (`/verify-email?token=…`). The token works once, so the call is a query
 * keyed by it: a second render (or React's strict mode) reuses the answer instead of spending it twice.
 */
export default function VerifyEmailPage() {
  const { t } = useTranslation('auth');
  const user = useUser();
  const token = useSearchParams()[0].get('token');
  const verify = useQuery({
    queryKey: ['auth', 'verify-email', token],
    queryFn: () => callAuth(api.POST('/api/auth/email/verify', { body: { token: token! } })),
    enabled: !!token,
    retry: false,
    staleTime: Infinity,
    gcTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
  const verified = verify.data?.email;
  useEffect(() => {
    // The signed-in account shows as verified at once (alert e-mails, the account page).
    const me = session.user();
    if (verified && me && me.email === verified && !me.emailVerified)
      session.setUser({ ...me, emailVerified: true });
  }, [verified]);

  const onward = user ? (
    <Link className="btn btn-primary" to={paths.tests}>
      {t('verify.toTests')}
    </Link>
  ) : (
    <Link className="btn btn-primary" to={paths.signIn}>
      {t('verify.toSignIn')}
    </Link>
  );
  let body;
  if (!token) body = <p>{t('verify.noToken')}</p>;
  else if (verify.isPending) body = <Loading label={t('verify.busy')} />;
  else if (verified)
    body = (
      <p className="auth-notice auth-success" role="status">
        {t('verify.done', { email: verified })}
      </p>
    );
  else if (isApiError(verify.error, 400))
    body = (
      <>
        <p className="form-error" role="alert">
          {t('verify.invalid')}
        </p>
        <p className="muted">{t('verify.invalidHint')}</p>
      </>
    );
  else if (isApiError(verify.error, 409))
    body = (
      <p className="form-error" role="alert">
        {t('verify.taken')}
      </p>
    );
  else body = <ErrorState error={verify.error} retry={() => void verify.refetch()} />;
  return (
    <AuthLayout title={t('verify.title')}>
      {body}
      {!verify.isFetching && onward}
    </AuthLayout>
  );
}
