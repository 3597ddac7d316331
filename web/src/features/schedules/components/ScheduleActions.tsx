import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { FormError } from '../../../components/ui';
import { paths } from '../../../lib/paths';
import { useScheduleAction, type Schedule } from '../api/schedules';

/** Pause or resume, run now (with a link to the queued test), edit, and delete after a confirmation. */
export function ScheduleActions({ schedule, afterDelete }: { schedule: Schedule; afterDelete?: string }) {
  const { t } = useTranslation('schedules');
  const action = useScheduleAction();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const [queued, setQueued] = useState<string | null>(null);
  const run = (a: 'pause' | 'resume' | 'delete' | 'run') =>
    action.mutate(
      { id: schedule.id, action: a },
      {
        onSuccess: (res) => {
          if (a === 'run' && res) setQueued(res.testId);
          if (a === 'delete' && afterDelete) void navigate(afterDelete);
        },
      },
    );
  const name = schedule.name;
  return (
    <div className="sched-actions">
      <div className="row">
        {schedule.enabled ? (
          <button
            type="button"
            className="btn btn-small"
            disabled={action.isPending}
            onClick={() => run('pause')}
            aria-label={`${t('action.pause')}: ${name}`}
          >
            {t('action.pause')}
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-small"
            disabled={action.isPending}
            onClick={() => run('resume')}
            aria-label={`${t('action.resume')}: ${name}`}
          >
            {t('action.resume')}
          </button>
        )}
        <button
          type="button"
          className="btn btn-small"
          disabled={action.isPending}
          onClick={() => run('run')}
          aria-label={`${t('action.runNow')}: ${name}`}
        >
          {t('action.runNow')}
        </button>
        <Link
          className="btn btn-small"
          to={paths.editSchedule(schedule.id)}
          aria-label={`${t('common:action.edit')}: ${name}`}
        >
          {t('common:action.edit')}
        </Link>
        {!confirming && (
          <button
            type="button"
            className="btn btn-small btn-danger"
            onClick={() => setConfirming(true)}
            aria-label={`${t('action.delete')}: ${name}`}
          >
            {t('action.delete')}
          </button>
        )}
      </div>
      {confirming && (
        <div className="row sched-confirm" role="group" aria-label={t('action.confirmDelete', { name })}>
          <span>{t('action.confirmDelete', { name })}</span>
          <button type="button" className="btn btn-small btn-danger" onClick={() => run('delete')}>
            {t('action.yesDelete')}
          </button>
          <button type="button" className="btn btn-small" onClick={() => setConfirming(false)}>
            {t('common:action.cancel')}
          </button>
        </div>
      )}
      {queued && (
        <p className="muted" role="status">
          {t('queued')} <Link to={paths.test(queued)}>{t('viewTest')}</Link>
        </p>
      )}
      <FormError error={action.error} />
    </div>
  );
}
