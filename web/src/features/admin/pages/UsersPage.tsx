import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Card, Field, FormError } from '../../../components/ui';
import { Empty, QueryView } from '../../../components/states';
import { isApiError } from '../../../lib/api/problem';
import { useUser } from '../../../lib/auth/use-session';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { adminApi, adminKeys, type AdminUser, type UserChange } from '../api/admin-api';
import { AdminLayout } from '../components/AdminLayout';
import { QuotaPanel } from '../components/QuotaPanel';
import { LoadMore } from '../components/LoadMore';
import { StatusChip } from '../components/StatusChip';
import { useCursorList } from '../hooks/use-cursor-list';

/** Accounts: search, role, disable/enable, and each one's daily test quota. */
export default function UsersPage() {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const me = useUser();
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const [quotaFor, setQuotaFor] = useState<AdminUser | null>(null);
  const users = useCursorList(adminKeys.users(q), (c) => adminApi.users(q || undefined, c));
  const change = useMutation({
    mutationFn: ({ user, body }: { user: AdminUser; body: UserChange }) => adminApi.changeUser(user.id, body),
    onSettled: () => qc.invalidateQueries({ queryKey: adminKeys.allUsers }),
  });
  const refusal =
    change.error &&
    (isApiError(change.error) && change.error.code === 'ERR_LAST_ADMIN'
      ? t('users.lastAdmin')
      : change.error);

  const search = (e: FormEvent) => {
    e.preventDefault();
    setQ(draft.trim());
  };

  return (
    <AdminLayout title={t('users.title')}>
      <Card>
        <form className="admin-toolbar" onSubmit={search} role="search">
          <Field
            label={t('users.search')}
            type="search"
            value={draft}
            maxLength={254}
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit" className="btn">
            {t('users.searchButton')}
          </button>
        </form>
        <FormError error={refusal} />
        <QueryView query={users}>
          {() =>
            users.items.length === 0 ? (
              <Empty title={q ? t('users.noMatch', { q }) : t('users.empty')} />
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('users.email')}</th>
                      <th scope="col">{t('users.role')}</th>
                      <th scope="col">{t('users.state')}</th>
                      <th scope="col">{t('users.created')}</th>
                      <th scope="col">{t('users.lastLogin')}</th>
                      <th scope="col">{t('users.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {users.items.map((u) => (
                      <tr key={u.id}>
                        <td>
                          {u.email}
                          {u.id === me?.id && <span className="muted"> ({t('users.you')})</span>}
                          <div className="muted">
                            {u.emailVerified ? t('users.verified') : t('users.unverified')}
                            {u.mfaEnabled && ` · ${t('users.mfa')}`}
                          </div>
                        </td>
                        <td>
                          <select
                            aria-label={t('users.roleOf', { email: u.email })}
                            value={u.role}
                            disabled={change.isPending}
                            onChange={(e) =>
                              change.mutate({ user: u, body: { role: e.target.value as AdminUser['role'] } })
                            }
                          >
                            <option value="user">{t('roles.user')}</option>
                            <option value="admin">{t('roles.admin')}</option>
                          </select>
                        </td>
                        <td>
                          <StatusChip value={u.disabled ? 'disabled' : 'active'} />
                        </td>
                        <td title={formatDateTime(u.createdAt)}>{formatRelative(u.createdAt)}</td>
                        <td title={formatDateTime(u.lastLoginAt)}>{formatRelative(u.lastLoginAt)}</td>
                        <td>
                          <div className="admin-actions">
                            <button
                              type="button"
                              className={`btn btn-small${u.disabled ? '' : ' btn-danger'}`}
                              disabled={change.isPending}
                              aria-label={t(u.disabled ? 'users.enableUser' : 'users.disableUser', {
                                email: u.email,
                              })}
                              onClick={() => change.mutate({ user: u, body: { disabled: !u.disabled } })}
                            >
                              {u.disabled ? t('users.enable') : t('users.disable')}
                            </button>
                            <button
                              type="button"
                              className="btn btn-small"
                              aria-label={t('users.quotaOf', { email: u.email })}
                              aria-expanded={quotaFor?.id === u.id}
                              onClick={() => setQuotaFor(quotaFor?.id === u.id ? null : u)}
                            >
                              {t('users.quota')}
                            </button>
                          </div>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <LoadMore query={users} />
              </div>
            )
          }
        </QueryView>
      </Card>
      {quotaFor && <QuotaPanel user={quotaFor} onClose={() => setQuotaFor(null)} />}
    </AdminLayout>
  );
}
