import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Card, FormError, Select } from '../../../components/ui';
import { Empty, QueryView } from '../../../components/states';
import { formatDateTime, formatDuration, formatMetric, formatRelative } from '../../../lib/format';
import { paths } from '../../../lib/paths';
import { useChannel } from '../../../lib/realtime/use-channel';
import { adminApi, adminKeys, type Job, type JobStatus } from '../api/admin-api';
import { AdminLayout } from '../components/AdminLayout';
import { Figures } from '../components/Figures';
import { LoadMore } from '../components/LoadMore';
import { StatusChip } from '../components/StatusChip';
import { useCursorList } from '../hooks/use-cursor-list';

const STATUSES: JobStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];
const REFRESH_MS = 5000;

/** The queue: counts per state, then every user's jobs with cancel and retry. */
export default function QueuePage() {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const [status, setStatus] = useState<JobStatus | ''>('');
  const status$ = useQuery({
    queryKey: adminKeys.queueStatus,
    queryFn: adminApi.queueStatus,
    refetchInterval: REFRESH_MS,
  });
  const jobs = useCursorList(
    adminKeys.jobs(status || undefined),
    (c) => adminApi.jobs(status || undefined, c),
    {
      refetchInterval: REFRESH_MS,
    },
  );
  // test-updates carries the admin's own tests only; other users' jobs come with the periodic refresh.
  useChannel('test-updates', {
    message: (m) => {
      if (m.event !== 'test.progress') void qc.invalidateQueries({ queryKey: adminKeys.queue });
    },
    gap: () => void qc.invalidateQueries({ queryKey: adminKeys.queue }),
  });
  const act = useMutation({
    mutationFn: ({ job, action }: { job: Job; action: 'cancel' | 'retry' }) =>
      action === 'cancel' ? adminApi.cancelJob(job.jobId) : adminApi.retryJob(job.jobId),
    onSettled: () => qc.invalidateQueries({ queryKey: adminKeys.queue }),
  });

  return (
    <AdminLayout title={t('queue.title')}>
      <QueryView query={status$}>
        {(s) => (
          <div className="admin-grid-2">
            <Card title={t('queue.tests')}>
              <Figures
                items={STATUSES.map((name) => ({
                  label: t(`status.${name}`),
                  value: formatMetric(s.tests[name], 'count'),
                }))}
              />
            </Card>
            <Card title={t('queue.queue', { driver: s.driver })}>
              <Figures
                items={[
                  { label: t('fig.waiting'), value: formatMetric(s.queue.waiting, 'count') },
                  { label: t('fig.active'), value: formatMetric(s.queue.active, 'count') },
                  { label: t('fig.delayed'), value: formatMetric(s.queue.delayed, 'count') },
                  { label: t('queue.workers'), value: formatMetric(s.workersOnline, 'count') },
                  {
                    label: t('queue.throughput'),
                    value: formatMetric(s.lastMinute.throughputPerMinute, 'count'),
                  },
                  { label: t('queue.meanWait'), value: formatDuration(s.lastMinute.meanWaitMs) },
                  { label: t('queue.meanRun'), value: formatDuration(s.lastMinute.meanRunMs) },
                ]}
              />
            </Card>
          </div>
        )}
      </QueryView>

      <Card title={t('queue.jobs')}>
        <div className="admin-toolbar">
          <Select
            label={t('queue.filter')}
            value={status}
            onChange={(e) => setStatus(e.target.value as JobStatus | '')}
            options={[
              { value: '', label: t('queue.all') },
              ...STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) })),
            ]}
          />
        </div>
        <FormError error={act.error} />
        <QueryView query={jobs}>
          {() =>
            jobs.items.length === 0 ? (
              <Empty title={t('queue.empty')} />
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('queue.test')}</th>
                      <th scope="col">{t('queue.type')}</th>
                      <th scope="col">{t('queue.status')}</th>
                      <th scope="col" className="num">
                        {t('queue.priority')}
                      </th>
                      <th scope="col">{t('queue.created')}</th>
                      <th scope="col">{t('queue.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {jobs.items.map((job) => (
                      <JobRow
                        key={job.jobId}
                        job={job}
                        busy={act.isPending && act.variables?.job.jobId === job.jobId}
                        onAction={(action) => act.mutate({ job, action })}
                      />
                    ))}
                  </tbody>
                </table>
                <LoadMore query={jobs} />
              </div>
            )
          }
        </QueryView>
      </Card>
    </AdminLayout>
  );
}

function JobRow({
  job,
  busy,
  onAction,
}: {
  job: Job;
  busy: boolean;
  onAction: (action: 'cancel' | 'retry') => void;
}) {
  const { t } = useTranslation('admin');
  const cancellable = job.status === 'queued' || job.status === 'running';
  const retryable = job.status === 'failed' || job.status === 'cancelled';
  return (
    <tr>
      <td>
        <Link to={paths.test(job.testId)}>{job.url}</Link>
        {job.message && <div className="muted">{job.message}</div>}
      </td>
      <td>{job.type}</td>
      <td>
        <StatusChip value={job.status} />
        {job.status === 'running' && <div className="muted">{formatMetric(job.progress, 'count')} %</div>}
        {job.error && <div className="muted">{job.error}</div>}
      </td>
      <td className="num">{job.priority}</td>
      <td title={formatDateTime(job.createdAt)}>{formatRelative(job.createdAt)}</td>
      <td>
        <div className="admin-actions">
          {cancellable && (
            <button
              type="button"
              className="btn btn-small btn-danger"
              disabled={busy}
              aria-label={t('queue.cancelJob', { url: job.url })}
              onClick={() => onAction('cancel')}
            >
              {t('queue.cancel')}
            </button>
          )}
          {retryable && (
            <button
              type="button"
              className="btn btn-small"
              disabled={busy}
              aria-label={t('queue.retryJob', { url: job.url })}
              onClick={() => onAction('retry')}
            >
              {t('queue.retry')}
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}
