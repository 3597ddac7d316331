import { useEffect } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../../lib/api/client';
import { session, SESSION_HEADERS } from '../../../lib/auth/session-store';
import { paths } from '../../../lib/paths';
import { Loading } from '../../../components/states';
import { callAuth } from '../api/auth-api';
import { AuthLayout } from '../components/AuthLayout';
import { AuthError } from '../components/auth-errors';
import type { MfaState } from './SignInPage';

/**
 * Where the API sends the browser back after a provider (docs/OAUTH.md): `?code=` (one-time, 60 s) is
 * exchanged for tokens or the MFA step; `?linked=<provider>` ends the link flow of the account settings;
 * `?error=&message=` is shown.
 */
export default function OAuthCallbackPage() {
  const { t } = useTranslation('auth');
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const code = params.get('code');
  const linked = params.get('linked');
  const failure = params.get('error');
  const exchange = useQuery({
    queryKey: ['auth', 'oauth-exchange', code],
    queryFn: () =>
      callAuth(api.POST('/api/auth/oauth/exchange', { body: { code: code! }, headers: SESSION_HEADERS })),
    enabled: !!code && !linked && !failure,
    retry: false,
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
  const answer = exchange.data;
  useEffect(() => {
    if (!answer) return;
    if ('mfaRequired' in answer) {
      void navigate(paths.mfa, {
        replace: true,
        state: { mfaToken: answer.mfaToken, next: paths.tests } satisfies MfaState,
      });
    } else {
      session.signedIn(answer);
      void navigate(paths.tests, { replace: true });
    }
  }, [answer, navigate]);

  if (linked) return <Navigate to={paths.accountProviders} replace />;
  const back = (
    <Link className="btn" to={paths.signIn}>
      {t('oauth.back')}
    </Link>
  );
  if (failure)
    return (
      <AuthLayout title={t('oauth.title')}>
        <div className="form-error" role="alert">
          <p>{t('oauth.failed')}</p>
          {params.get('message') && <p>{params.get('message')}</p>}
        </div>
        {back}
      </AuthLayout>
    );
  if (!code)
    return (
      <AuthLayout title={t('oauth.title')}>
        <p>{t('oauth.missing')}</p>
        {back}
      </AuthLayout>
    );
  return (
    <AuthLayout title={t('oauth.title')}>
      {exchange.error ? (
        <>
          <AuthError error={exchange.error} />
          {back}
        </>
      ) : (
        <Loading label={t('oauth.busy')} />
      )}
    </AuthLayout>
  );
}
