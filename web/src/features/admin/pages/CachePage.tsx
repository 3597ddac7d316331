import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Card, Field, FormError, Select } from '../../../components/ui';
import { Empty, QueryView } from '../../../components/states';
import { formatMetric } from '../../../lib/format';
import { adminApi, adminKeys, type CacheStats } from '../api/admin-api';
import { AdminLayout } from '../components/AdminLayout';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { Figures } from '../components/Figures';

type By = 'key' | 'pattern' | 'tag';

/** The cache: this process's hits and misses per namespace, invalidation by key/pattern/tag, and flush. */
export default function CachePage() {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const stats = useQuery({
    queryKey: adminKeys.cache,
    queryFn: adminApi.cacheStats,
    refetchInterval: 10_000,
  });
  const [done, setDone] = useState<string | null>(null);
  const flush = useMutation({
    mutationFn: adminApi.flush,
    onSuccess: () => setDone(t('cache.flushed')),
    onSettled: () => qc.invalidateQueries({ queryKey: adminKeys.cache }),
  });

  return (
    <AdminLayout
      title={t('cache.title')}
      actions={
        <ConfirmButton
          label={t('cache.flush')}
          question={t('cache.flushQuestion')}
          confirmLabel={t('cache.flushConfirm')}
          disabled={flush.isPending}
          onConfirm={() => flush.mutate()}
        />
      }
    >
      <div aria-live="polite">{done && <p className="banner">{done}</p>}</div>
      <FormError error={flush.error} />
      <QueryView query={stats}>{(s) => <Stats stats={s} />}</QueryView>
      <Invalidate onDone={setDone} />
    </AdminLayout>
  );
}

function Stats({ stats: s }: { stats: CacheStats }) {
  const { t } = useTranslation('admin');
  const namespaces = Object.entries(s.namespaces);
  return (
    <>
      <Card title={t('cache.stats')}>
        <Figures
          items={[
            { label: t('cache.driver'), value: t(`cache.drivers.${s.driver}`) },
            { label: t('cache.hits'), value: formatMetric(s.hits, 'count') },
            { label: t('cache.misses'), value: formatMetric(s.misses, 'count') },
            { label: t('cache.hitRate'), value: formatMetric(s.hitRate, 'ratio') },
            { label: t('cache.l1Keys'), value: formatMetric(s.keys.l1, 'count') },
            { label: t('cache.l2Keys'), value: formatMetric(s.keys.l2, 'count') },
            { label: t('cache.l1Memory'), value: formatMetric(s.memory.l1Bytes, 'bytes') },
            { label: t('cache.redisMemory'), value: formatMetric(s.memory.redisUsedBytes, 'bytes') },
            ...(s.redis
              ? [
                  {
                    label: t('cache.redis'),
                    value: s.redis.available ? t('cache.available') : t('cache.unavailable'),
                  },
                  { label: t('cache.redisErrors'), value: formatMetric(s.redis.errors, 'count') },
                ]
              : []),
          ]}
        />
        <p className="admin-reason">{t('cache.processNote')}</p>
      </Card>
      <Card title={t('cache.namespaces')}>
        {namespaces.length === 0 ? (
          <Empty title={t('cache.noNamespaces')} />
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('cache.namespace')}</th>
                  <th scope="col" className="num">
                    {t('cache.hits')}
                  </th>
                  <th scope="col" className="num">
                    {t('cache.misses')}
                  </th>
                  <th scope="col" className="num">
                    {t('cache.hitRate')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {namespaces.map(([name, n]) => (
                  <tr key={name}>
                    <td>
                      <code>{name}</code>
                    </td>
                    <td className="num">{formatMetric(n.hits, 'count')}</td>
                    <td className="num">{formatMetric(n.misses, 'count')}</td>
                    <td className="num">{formatMetric(n.hitRate, 'ratio')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}

function Invalidate({ onDone }: { onDone: (message: string) => void }) {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const [by, setBy] = useState<By>('key');
  const [target, setTarget] = useState('');
  const invalidate = useMutation({
    mutationFn: () => adminApi.invalidate({ [by]: target.trim() }),
    onSuccess: (r) => {
      onDone(
        r.deleted === null
          ? t('cache.invalidated', { target: r.target })
          : t('cache.invalidatedCount', { target: r.target, count: r.deleted }),
      );
      setTarget('');
    },
    onSettled: () => qc.invalidateQueries({ queryKey: adminKeys.cache }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (target.trim()) invalidate.mutate();
  };
  return (
    <Card title={t('cache.invalidate')}>
      <form className="admin-toolbar" onSubmit={submit}>
        <Select
          label={t('cache.by')}
          value={by}
          onChange={(e) => setBy(e.target.value as By)}
          options={(['key', 'pattern', 'tag'] as const).map((b) => ({
            value: b,
            label: t(`cache.byName.${b}`),
          }))}
        />
        <Field
          label={t(`cache.byName.${by}`)}
          hint={t(`cache.example.${by}`)}
          value={target}
          required
          maxLength={512}
          onChange={(e) => setTarget(e.target.value)}
          error={invalidate.error?.message}
        />
        <button type="submit" className="btn btn-primary" disabled={invalidate.isPending}>
          {t('cache.invalidateButton')}
        </button>
      </form>
    </Card>
  );
}
