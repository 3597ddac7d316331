import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { preview } from '../lib/timing';

/** The words of a cron expression and its next five firings (or an interval's), updated as one types. */
export function TimingPreview(props: {
  mode: 'cron' | 'interval';
  cron: string;
  interval: string;
  timezone: string;
  start?: Date;
}) {
  const { t, i18n } = useTranslation('schedules');
  const { mode, cron, interval, timezone, start } = props;
  const p = useMemo(
    () => preview({ mode, cron, interval, timezone }, i18n.language, start),
    [mode, cron, interval, timezone, i18n.language, start],
  );
  return (
    <section className="sched-preview" aria-labelledby="sched-preview-title" aria-live="polite">
      <h3 id="sched-preview-title">{t('preview.title')}</h3>
      {!p.ok ? (
        <p className={p.reason === 'empty' ? 'muted' : 'field-error'}>
          {p.reason === 'cron'
            ? t('preview.invalidCron', { detail: p.detail })
            : p.reason === 'interval'
              ? t('preview.invalidInterval')
              : p.reason === 'timezone'
                ? t('preview.invalidTimezone')
                : t('preview.empty')}
        </p>
      ) : (
        <>
          {p.description && <p className="sched-words">{p.description}</p>}
          {p.runs.length === 0 ? (
            <p className="muted">{t('preview.none')}</p>
          ) : (
            <ol className="sched-runs" data-testid="next-runs">
              {p.runs.map((d) => (
                <li key={d.getTime()}>
                  <time dateTime={d.toISOString()}>{formatDateTime(d.getTime())}</time>{' '}
                  <span className="muted">({formatRelative(d.getTime())})</span>
                </li>
              ))}
            </ol>
          )}
          <p className="muted small">
            {t('preview.shownIn')} {mode === 'interval' && t('preview.approx')}
          </p>
        </>
      )}
    </section>
  );
}
