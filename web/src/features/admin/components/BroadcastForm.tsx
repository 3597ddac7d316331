import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Card, Field, FormError } from '../../../components/ui';
import { isApiError } from '../../../lib/api/problem';
import { formatMetric } from '../../../lib/format';
import { adminApi, adminKeys } from '../api/admin-api';
import { StatusChip } from './StatusChip';

/** Sends a system_update notification to every user, then follows its fan-out until it ends. */
export function BroadcastForm() {
  const { t } = useTranslation('admin');
  const [title, setTitle] = useState('');
  const [content, setContent] = useState('');
  const [actionUrl, setActionUrl] = useState('');
  const send = useMutation({
    mutationFn: () =>
      adminApi.broadcast({
        title: title.trim(),
        ...(content.trim() ? { content: content.trim() } : {}),
        ...(actionUrl.trim() ? { actionUrl: actionUrl.trim() } : {}),
      }),
    onSuccess: () => {
      setTitle('');
      setContent('');
      setActionUrl('');
    },
  });
  const id = send.data?.broadcastId;
  const progress = useQuery({
    queryKey: adminKeys.broadcast(id ?? ''),
    queryFn: () => adminApi.broadcastProgress(id!),
    enabled: !!id,
    refetchInterval: (q) =>
      q.state.data?.status === 'completed' || q.state.data?.status === 'failed' ? false : 1000,
  });
  const fields = isApiError(send.error, 400) ? send.error.fieldErrors() : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate();
  };
  const p = progress.data;
  return (
    <Card title={t('broadcast.title')}>
      <p className="muted">{t('broadcast.intro')}</p>
      <form onSubmit={submit}>
        <Field
          label={t('broadcast.subject')}
          value={title}
          required
          maxLength={255}
          onChange={(e) => setTitle(e.target.value)}
          error={fields.title}
        />
        <div className="field">
          <label htmlFor="broadcast-content">{t('broadcast.content')}</label>
          <textarea
            id="broadcast-content"
            rows={4}
            maxLength={5000}
            value={content}
            onChange={(e) => setContent(e.target.value)}
          />
        </div>
        <Field
          label={t('broadcast.link')}
          hint={t('broadcast.linkHint')}
          value={actionUrl}
          maxLength={2048}
          onChange={(e) => setActionUrl(e.target.value)}
          error={fields.actionUrl}
        />
        <FormError error={Object.keys(fields).length ? null : send.error} />
        <button type="submit" className="btn btn-primary" disabled={send.isPending || !title.trim()}>
          {t('broadcast.send')}
        </button>
      </form>
      {p && (
        <p className="admin-status" role="status">
          <StatusChip value={p.status} />
          {t('broadcast.progress', { title: p.title, delivered: formatMetric(p.delivered, 'count') })}
          {p.error && <span className="form-error">{p.error}</span>}
        </p>
      )}
    </Card>
  );
}
