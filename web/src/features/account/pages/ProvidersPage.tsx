import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../lib/api/client';
import { Card, Chip, FormError } from '../../../components/ui';
import { Empty, QueryView } from '../../../components/states';
import { formatDateTime } from '../../../lib/format';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { accountKeys } from '../hooks/use-me';

type Provider = 'google' | 'github';

/** Sign-in providers: which are linked, link another (the provider's consent page), unlink one. */
export default function ProvidersPage() {
  const { t } = useTranslation('account');
  const queryClient = useQueryClient();
  const providers = useQuery({
    queryKey: accountKeys.providers,
    queryFn: () => call(api.GET('/api/auth/oauth/providers')),
  });
  const identities = useQuery({
    queryKey: accountKeys.identities,
    queryFn: () => call(api.GET('/api/auth/oauth/identities')),
  });
  const link = useMutation({
    mutationFn: (provider: Provider) =>
      call(api.POST('/api/auth/oauth/{provider}/link', { params: { path: { provider } } })),
    onSuccess: ({ authorizationUrl }) => window.location.assign(authorizationUrl),
  });
  const unlink = useMutation({
    mutationFn: (provider: Provider) =>
      call(api.DELETE('/api/auth/oauth/identities/{provider}', { params: { path: { provider } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: accountKeys.identities }),
  });
  const both = {
    data: providers.data && identities.data ? { ...providers.data, ...identities.data } : undefined,
    error: providers.error ?? identities.error,
    isPending: providers.isPending || identities.isPending,
    refetch: () => Promise.all([providers.refetch(), identities.refetch()]),
  };
  return (
    <Card title={t('providers.title')}>
      <p className="muted">{t('providers.intro')}</p>
      <FormError error={link.error ?? unlink.error} />
      <QueryView query={both}>
        {({ providers: offered, identities: linked }) => {
          const ids = new Set<string>([...offered.map((p) => p.id), ...linked.map((i) => i.provider)]);
          if (ids.size === 0) return <Empty title={t('providers.none')} />;
          return (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('providers.provider')}</th>
                    <th scope="col">{t('providers.status')}</th>
                    <th scope="col">{t('providers.account')}</th>
                    <th scope="col">{t('providers.linkedAt')}</th>
                    <th scope="col">
                      <span className="sr-only">{t('providers.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {[...ids].map((id) => {
                    const provider = id as Provider;
                    const name = offered.find((p) => p.id === id)?.name ?? id;
                    const identity = linked.find((i) => i.provider === id);
                    return (
                      <tr key={id}>
                        <th scope="row">{name}</th>
                        <td>
                          {identity ? (
                            <Chip value="ok" label={t('providers.linked')} />
                          ) : (
                            <Chip value="muted" label={t('providers.notLinked')} />
                          )}
                        </td>
                        <td>{identity?.email ?? '—'}</td>
                        <td>{identity ? formatDateTime(identity.linkedAt) : '—'}</td>
                        <td>
                          {identity ? (
                            <ConfirmButton
                              label={t('providers.unlink', { name })}
                              confirmLabel={t('providers.unlinkConfirm', { name })}
                              disabled={unlink.isPending}
                              onConfirm={() => unlink.mutate(provider)}
                            />
                          ) : offered.some((p) => p.id === id) ? (
                            <button
                              type="button"
                              className="btn btn-small"
                              disabled={link.isPending}
                              onClick={() => link.mutate(provider)}
                            >
                              {t('providers.link', { name })}
                            </button>
                          ) : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          );
        }}
      </QueryView>
    </Card>
  );
}
