import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../lib/api/client';
import { isApiError } from '../../../lib/api/problem';
import type { BodyOf, ResponseOf } from '../../../lib/api/types';
import { useUser } from '../../../lib/auth/use-session';
import { Card, Field, FormError, Select } from '../../../components/ui';
import { Empty, QueryView } from '../../../components/states';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { OnceSecret } from '../components/OnceSecret';
import { accountKeys } from '../hooks/use-me';

type Scope = BodyOf<'/api/auth/tokens', 'post'>['scopes'][number];
type Created = ResponseOf<'/api/auth/tokens', 'post'>;
const SCOPES: Scope[] = ['tests:read', 'tests:write', 'schedules:write', 'alerts:write', 'admin'];
const EXPIRIES = ['30', '90', '365', 'never'] as const;

/** Personal API tokens for CI and scripts: list, create (the token shown once), revoke. */
export default function TokensPage() {
  const { t } = useTranslation('account');
  const user = useUser();
  const queryClient = useQueryClient();
  const tokens = useQuery({ queryKey: accountKeys.tokens, queryFn: () => call(api.GET('/api/auth/tokens')) });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Set<Scope>>(new Set(['tests:read']));
  const [expiry, setExpiry] = useState<(typeof EXPIRIES)[number]>('90');
  const [created, setCreated] = useState<Created | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: accountKeys.tokens });
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/auth/tokens', {
          body: {
            name,
            scopes: [...scopes],
            ...(expiry === 'never'
              ? {}
              : { expiresAt: new Date(Date.now() + Number(expiry) * 86_400_000).toISOString() }),
          },
        }),
      ),
    onSuccess: (answer) => {
      setCreated(answer);
      setName('');
    },
    onSettled: invalidate,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/auth/tokens/{id}', { params: { path: { id } } })),
    onSettled: invalidate,
  });
  const fields = isApiError(create.error, 400) ? create.error.fieldErrors() : {};
  const offered = SCOPES.filter((s) => s !== 'admin' || user?.role === 'admin');

  return (
    <>
      {created && (
        <OnceSecret
          title={t('tokens.createdTitle', { name: created.name })}
          text={created.token}
          onDone={() => setCreated(null)}
        >
          <p>
            <code data-testid="new-token">{created.token}</code>
          </p>
        </OnceSecret>
      )}
      <Card title={t('tokens.title')}>
        <FormError error={revoke.error} />
        <QueryView query={tokens}>
          {({ items }) =>
            items.length === 0 ? (
              <Empty title={t('tokens.empty')} />
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('tokens.name')}</th>
                      <th scope="col">{t('tokens.prefix')}</th>
                      <th scope="col">{t('tokens.scopes')}</th>
                      <th scope="col">{t('tokens.created')}</th>
                      <th scope="col">{t('tokens.expires')}</th>
                      <th scope="col">{t('tokens.lastUsed')}</th>
                      <th scope="col">
                        <span className="sr-only">{t('tokens.actions')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((tok) => (
                      <tr key={tok.id}>
                        <th scope="row">{tok.name}</th>
                        <td>
                          <code>{tok.prefix}…</code>
                        </td>
                        <td>{tok.scopes.join(', ')}</td>
                        <td>{formatDateTime(tok.createdAt)}</td>
                        <td>{tok.expiresAt ? formatDateTime(tok.expiresAt) : t('tokens.expiries.never')}</td>
                        <td>{tok.lastUsedAt ? formatRelative(tok.lastUsedAt) : t('tokens.neverUsed')}</td>
                        <td>
                          <ConfirmButton
                            label={t('tokens.revoke')}
                            confirmLabel={t('tokens.revokeConfirm', { name: tok.name })}
                            disabled={revoke.isPending}
                            onConfirm={() => revoke.mutate(tok.id)}
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
      <Card title={t('tokens.createTitle')}>
        <p className="muted">{t('tokens.intro')}</p>
        <form
          className="form-narrow"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <FormError error={create.error && !Object.keys(fields).length ? create.error : null} />
          <Field
            label={t('tokens.name')}
            required
            maxLength={100}
            value={name}
            hint={t('tokens.nameHint')}
            error={fields.name}
            onChange={(e) => setName(e.target.value)}
          />
          <fieldset className="scopes">
            <legend>{t('tokens.scopes')}</legend>
            {offered.map((s) => (
              <label key={s} className="row">
                <input
                  type="checkbox"
                  checked={scopes.has(s)}
                  onChange={(e) =>
                    setScopes((prev) => {
                      const next = new Set(prev);
                      if (e.target.checked) next.add(s);
                      else next.delete(s);
                      return next;
                    })
                  }
                />
                <code>{s}</code> <span className="muted">{t(`tokens.scope.${s.replace(':', '_')}`)}</span>
              </label>
            ))}
            {fields.scopes && (
              <small className="field-error" role="alert">
                {fields.scopes}
              </small>
            )}
          </fieldset>
          <Select
            label={t('tokens.expiry')}
            value={expiry}
            error={fields.expiresAt}
            onChange={(e) => setExpiry(e.target.value as (typeof EXPIRIES)[number])}
            options={EXPIRIES.map((v) => ({ value: v, label: t(`tokens.expiries.${v}`) }))}
          />
          <button type="submit" className="btn btn-primary" disabled={create.isPending || scopes.size === 0}>
            {t('tokens.create')}
          </button>
        </form>
      </Card>
    </>
  );
}
