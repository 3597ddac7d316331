import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Card, Field } from '../../../components/ui';
import { QueryView } from '../../../components/states';
import { formatDateTime, formatMetric } from '../../../lib/format';
import { adminApi, adminKeys, type AdminUser, type Quota } from '../api/admin-api';
import { Figures } from './Figures';

/** One user's daily test quota: today's usage, the quota in force, and the override to set or clear. */
export function QuotaPanel({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const { t } = useTranslation('admin');
  const { t: common } = useTranslation();
  const quota = useQuery({ queryKey: adminKeys.quota(user.id), queryFn: () => adminApi.quota(user.id) });
  return (
    <Card
      title={t('quota.title', { email: user.email })}
      actions={
        <button type="button" className="btn btn-small" onClick={onClose}>
          {common('action.close')}
        </button>
      }
    >
      <QueryView query={quota}>{(q) => <QuotaForm key={user.id} quota={q} />}</QueryView>
    </Card>
  );
}

function QuotaForm({ quota }: { quota: Quota }) {
  const { t } = useTranslation('admin');
  const { t: common } = useTranslation();
  const qc = useQueryClient();
  const [value, setValue] = useState(quota.dailyTestQuota === null ? '' : String(quota.dailyTestQuota));
  const save = useMutation({
    mutationFn: (dailyTestQuota: number | null) => adminApi.setQuota(quota.userId, dailyTestQuota),
    onSuccess: (fresh) => {
      qc.setQueryData(adminKeys.quota(quota.userId), fresh);
      setValue(fresh.dailyTestQuota === null ? '' : String(fresh.dailyTestQuota));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(value.trim() === '' ? null : Number(value));
  };
  return (
    <>
      <Figures
        items={[
          {
            label: t('quota.effective'),
            value:
              quota.effectiveQuota === null
                ? t('quota.unlimited')
                : formatMetric(quota.effectiveQuota, 'count'),
          },
          { label: t('quota.used'), value: formatMetric(quota.used, 'count') },
          {
            label: t('quota.override'),
            value:
              quota.dailyTestQuota === null
                ? t('quota.none')
                : quota.dailyTestQuota === 0
                  ? t('quota.unlimited')
                  : formatMetric(quota.dailyTestQuota, 'count'),
          },
          { label: t('quota.resets'), value: formatDateTime(quota.resetsAt) },
        ]}
      />
      <form className="admin-toolbar" onSubmit={submit}>
        <Field
          label={t('quota.field')}
          hint={t('quota.hint')}
          type="number"
          min={0}
          max={1_000_000}
          step={1}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          error={save.error ? save.error.message : undefined}
        />
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {common('action.save')}
        </button>
        <button
          type="button"
          className="btn"
          disabled={save.isPending || quota.dailyTestQuota === null}
          onClick={() => save.mutate(null)}
        >
          {t('quota.reset')}
        </button>
      </form>
      {save.isSuccess && (
        <p className="muted" role="status">
          {t('quota.saved')}
        </p>
      )}
    </>
  );
}
