import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../lib/api/client';
import { SESSION_HEADERS } from '../../../lib/auth/session-store';
import { Card, Chip, FormError } from '../../../components/ui';
import { Empty, QueryView } from '../../../components/states';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { paths } from '../../../lib/paths';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { accountKeys } from '../hooks/use-me';
import { forgetSession } from '../../../lib/auth/sign-out';

/** A short description of a browser from its User-Agent ("Chrome on Linux"). */
function device(ua: string | null): string | null {
  if (!ua) return null;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : /curl|node|undici|python/i.test(ua)
            ? ua.split(/[ /]/)[0]!
            : null;
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Android/.test(ua)
      ? 'Android'
      : /iPhone|iPad/.test(ua)
        ? 'iOS'
        : /Mac OS X/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : null;
  return [browser, os].filter(Boolean).join(' · ') || null;
}

/** Where you are signed in: this session marked, revoke one, or sign out everywhere. */
export default function SessionsPage() {
  const { t } = useTranslation('account');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const sessions = useQuery({
    queryKey: accountKeys.sessions,
    queryFn: () => call(api.GET('/api/auth/sessions')),
  });
  const leave = () => {
    forgetSession();
    void navigate(paths.signIn);
  };
  const revoke = useMutation({
    mutationFn: ({ id }: { id: string; current: boolean }) =>
      call(api.DELETE('/api/auth/sessions/{id}', { params: { path: { id } } })),
    onSuccess: (_, { current }) => (current ? leave() : undefined),
    onSettled: () => queryClient.invalidateQueries({ queryKey: accountKeys.sessions }),
  });
  const everywhere = useMutation({
    mutationFn: () => call(api.POST('/api/auth/logout-all', { headers: SESSION_HEADERS })),
    onSuccess: leave,
  });
  return (
    <Card
      title={t('sessions.title')}
      actions={
        <ConfirmButton
          className="btn btn-danger"
          label={t('sessions.all')}
          confirmLabel={t('sessions.allConfirm')}
          disabled={everywhere.isPending}
          onConfirm={() => everywhere.mutate()}
        />
      }
    >
      <p className="muted">{t('sessions.intro')}</p>
      <FormError error={revoke.error ?? everywhere.error} />
      <QueryView query={sessions}>
        {({ items }) =>
          items.length === 0 ? (
            <Empty />
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('sessions.device')}</th>
                    <th scope="col">{t('sessions.ip')}</th>
                    <th scope="col">{t('sessions.signedIn')}</th>
                    <th scope="col">{t('sessions.lastUsed')}</th>
                    <th scope="col">
                      <span className="sr-only">{t('sessions.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((s) => (
                    <tr key={s.id}>
                      <td>
                        <span title={s.userAgent ?? undefined}>
                          {device(s.userAgent) ?? t('sessions.unknownDevice')}
                        </span>{' '}
                        {s.current && <Chip value="active" label={t('sessions.current')} />}
                      </td>
                      <td>{s.ip ?? '—'}</td>
                      <td>{formatDateTime(s.createdAt)}</td>
                      <td>
                        <time dateTime={s.lastUsedAt} title={formatDateTime(s.lastUsedAt)}>
                          {formatRelative(s.lastUsedAt)}
                        </time>
                      </td>
                      <td>
                        <ConfirmButton
                          label={s.current ? t('sessions.signOutHere') : t('sessions.revoke')}
                          confirmLabel={t('sessions.revokeConfirm')}
                          disabled={revoke.isPending}
                          onConfirm={() => revoke.mutate({ id: s.id, current: s.current })}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </Card>
  );
}
