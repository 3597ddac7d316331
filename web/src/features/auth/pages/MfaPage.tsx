import { useEffect, useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../../lib/api/client';
import { session, SESSION_HEADERS } from '../../../lib/auth/session-store';
import { useUser } from '../../../lib/auth/use-session';
import { paths } from '../../../lib/paths';
import { Field } from '../../../components/ui';
import { callAuth } from '../api/auth-api';
import { AuthLayout } from '../components/AuthLayout';
import { AuthError, isMfaTokenError } from '../components/auth-errors';
import { safeNext } from '../hooks/useNext';
import type { AuthNotice, MfaState } from './SignInPage';

/**
 * The second step of a sign-in (docs/MFA.md): a TOTP code or a backup code with the mfaToken of the first
 * step, which comes in router state (never in the address). A spent or expired token: back to sign-in.
 */
export default function MfaPage() {
  const { t } = useTranslation('auth');
  const user = useUser();
  const navigate = useNavigate();
  const state = useLocation().state as Partial<MfaState> | null;
  const mfaToken = state?.mfaToken;
  const next = safeNext(state?.next);
  const [backup, setBackup] = useState(false);
  const [code, setCode] = useState('');
  const verify = useMutation({
    mutationFn: (body: { mfaToken: string; code?: string; backupCode?: string }) =>
      callAuth(api.POST('/api/auth/mfa/verify', { body, headers: SESSION_HEADERS })),
    onSuccess: (answer) => session.signedIn(answer),
    onError: () => setCode(''),
  });
  const expired = isMfaTokenError(verify.error);
  useEffect(() => {
    if (expired)
      void navigate(`${paths.signIn}?next=${encodeURIComponent(next)}`, {
        replace: true,
        state: { notice: 'mfaExpired' satisfies AuthNotice },
      });
  }, [expired, navigate, next]);

  if (user) return <Navigate to={next} replace />;
  if (!mfaToken)
    return (
      <AuthLayout title={t('mfa.title')}>
        <p>{t('mfa.noToken')}</p>
        <Link className="btn" to={paths.signIn}>
          {t('mfa.back')}
        </Link>
      </AuthLayout>
    );

  function submit(e: FormEvent) {
    e.preventDefault();
    const value = code.trim();
    verify.mutate(backup ? { mfaToken: mfaToken!, backupCode: value } : { mfaToken: mfaToken!, code: value });
  }
  return (
    <AuthLayout
      title={t('mfa.title')}
      footer={
        <p>
          <Link to={paths.signIn}>{t('mfa.back')}</Link>
        </p>
      }
    >
      <form onSubmit={submit}>
        <p>{backup ? t('mfa.introBackup') : t('mfa.intro')}</p>
        <AuthError error={expired ? null : verify.error} />
        {backup ? (
          <Field
            key="backup"
            label={t('mfa.backupCode')}
            name="backupCode"
            autoComplete="off"
            spellCheck={false}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            maxLength={32}
            required
            autoFocus
          />
        ) : (
          <Field
            key="code"
            label={t('mfa.code')}
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\s*\d{3}\s?\d{3}\s*"
            maxLength={9}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            required
            autoFocus
          />
        )}
        <button className="btn btn-primary" type="submit" disabled={verify.isPending}>
          {verify.isPending ? t('mfa.busy') : t('mfa.submit')}
        </button>
        <button
          type="button"
          className="btn btn-link"
          onClick={() => {
            setBackup(!backup);
            setCode('');
            verify.reset();
          }}
        >
          {backup ? t('mfa.useCode') : t('mfa.useBackup')}
        </button>
      </form>
    </AuthLayout>
  );
}
