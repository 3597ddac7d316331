import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../lib/api/client';
import { isApiError } from '../../../lib/api/problem';
import type { User } from '../../../lib/api/types';
import { session } from '../../../lib/auth/session-store';
import { LANGUAGES, setLanguage } from '../../../lib/i18n/i18n';
import { Card, Chip, Field, FormError, Select } from '../../../components/ui';
import { QueryView } from '../../../components/states';
import { formatDateTime } from '../../../lib/format';
import { accountKeys, useMe } from '../hooks/use-me';

/** Profile: name and language, the e-mail address and its verification, changing the address. */
export default function ProfilePage() {
  const me = useMe();
  return <QueryView query={me}>{(user) => <Profile user={user} />}</QueryView>;
}

function Profile({ user }: { user: User }) {
  const { t } = useTranslation('account');
  const queryClient = useQueryClient();
  const [displayName, setDisplayName] = useState(user.displayName ?? '');
  const [locale, setLocale] = useState(user.locale);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () =>
      call(api.PATCH('/api/auth/me', { body: { displayName: displayName.trim() || null, locale } })),
    onSuccess: (next) => {
      session.setUser(next);
      queryClient.setQueryData(accountKeys.me, next);
      setLanguage(next.locale);
      setSaved(true);
    },
  });
  const resend = useMutation({ mutationFn: () => call(api.POST('/api/auth/email/resend')) });
  const [newEmail, setNewEmail] = useState('');
  const [password, setPassword] = useState('');
  const change = useMutation({
    mutationFn: () => call(api.POST('/api/auth/email/change', { body: { newEmail, password } })),
    onSuccess: () => setPassword(''),
  });
  const profileErrors = isApiError(save.error, 400) ? save.error.fieldErrors() : {};
  const changeErrors = isApiError(change.error, 400) ? change.error.fieldErrors() : {};

  return (
    <>
      <Card title={t('profile.title')}>
        <form
          className="form-narrow"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            setSaved(false);
            save.mutate();
          }}
        >
          <FormError error={save.error && !Object.keys(profileErrors).length ? save.error : null} />
          <Field
            label={t('profile.displayName')}
            value={displayName}
            maxLength={100}
            autoComplete="name"
            error={profileErrors.displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
          <Select
            label={t('profile.locale')}
            value={locale}
            error={profileErrors.locale}
            onChange={(e) => setLocale(e.target.value as User['locale'])}
            options={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
          />
          <p className="muted">{t('profile.localeHint')}</p>
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={save.isPending}>
              {t('action.save', { ns: 'common' })}
            </button>
            {saved && (
              <span role="status" className="success">
                {t('profile.saved')}
              </span>
            )}
          </div>
        </form>
      </Card>

      <Card title={t('email.title')}>
        <p className="row">
          <strong>{user.email}</strong>
          {user.emailVerified ? (
            <Chip value="ok" label={t('email.verified')} />
          ) : (
            <Chip value="pending" label={t('email.unverified')} />
          )}
        </p>
        <p className="muted">{t('email.since', { date: formatDateTime(user.createdAt) })}</p>
        {!user.emailVerified && (
          <div className="row">
            <p className="muted">{t('email.unverifiedHint')}</p>
            <button
              type="button"
              className="btn btn-small"
              disabled={resend.isPending}
              onClick={() => resend.mutate()}
            >
              {t('email.resend')}
            </button>
            {resend.isSuccess && (
              <span role="status" className="success">
                {resend.data.emailVerified ? t('email.alreadyVerified') : t('email.resent')}
              </span>
            )}
            <FormError error={resend.error} />
          </div>
        )}
        <h3>{t('email.change')}</h3>
        <form
          className="form-narrow"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            change.mutate();
          }}
        >
          <FormError error={change.error && !Object.keys(changeErrors).length ? change.error : null} />
          {change.isSuccess && (
            <p role="status" className="success">
              {t('email.changeSent', { email: change.data.pendingEmail })}
            </p>
          )}
          <Field
            label={t('email.newEmail')}
            type="email"
            autoComplete="email"
            required
            value={newEmail}
            error={changeErrors.newEmail}
            onChange={(e) => setNewEmail(e.target.value)}
          />
          <Field
            label={t('email.password')}
            type="password"
            autoComplete="current-password"
            required
            value={password}
            error={changeErrors.password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button type="submit" className="btn" disabled={change.isPending}>
            {t('email.changeSubmit')}
          </button>
        </form>
      </Card>
    </>
  );
}
