import { useTranslation } from 'react-i18next';

/** Tones of the admin statuses the shared Chip does not know (degraded, down, up, sent…). */
const TONE: Record<string, string> = {
  ok: 'ok',
  up: 'ok',
  sent: 'ok',
  completed: 'ok',
  degraded: 'warn',
  pending: 'warn',
  down: 'bad',
  failed: 'bad',
  queued: 'info',
  sending: 'accent',
  running: 'accent',
  stopped: 'muted',
  cancelled: 'muted',
  admin: 'accent',
  user: 'muted',
  disabled: 'bad',
};

/** A status as a coloured chip with its translated word (`status.<value>` in the admin namespace). */
export function StatusChip({ value }: { value: string }) {
  const { t } = useTranslation('admin');
  return (
    <span className={`chip chip-${TONE[value] ?? 'muted'}`}>
      {t(`status.${value}`, { defaultValue: value })}
    </span>
  );
}
