import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Chip } from '../../../components/ui';
import { formatDateTime } from '../../../lib/format';
import { paths } from '../../../lib/paths';
import { useLatestResult, type Schedule } from '../api/schedules';

/** The chip of a schedule's last finished run. */
export function LastResult({ id }: { id: string }) {
  const { t } = useTranslation('schedules');
  const latest = useLatestResult(id);
  if (latest.isPending) return <span className="muted">…</span>;
  if (latest.error) return <Chip value="info" label={t('result.error')} />;
  const r = latest.data;
  if (!r) return <span className="muted">{t('result.none')}</span>;
  const ok = r.status === 'completed' && r.passed !== false;
  return (
    <Link to={paths.test(r.testId)} title={formatDateTime(r.completedAt)}>
      <Chip value={ok ? 'passed' : 'failed'} label={ok ? t('result.passed') : t('result.failed')} />
    </Link>
  );
}

/** "every 5m", or the cron expression with its time zone. */
export function timingText(s: Schedule, t: (k: string, o?: Record<string, unknown>) => string) {
  if (s.cron) return `${s.cron}${s.timezone ? ` (${s.timezone})` : ''}`;
  return t('every', { interval: s.interval ?? '' });
}
