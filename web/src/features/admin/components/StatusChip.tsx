import { useTranslation } from 'react-i18next';
import { Chip } from '../../../components/ui';

/** A status as a coloured chip with its translated word (`status.<value>` in the admin namespace). */
export function StatusChip({ value }: { value: string }) {
  const { t } = useTranslation('admin');
  return <Chip value={value} label={t(`status.${value}`, { defaultValue: value })} />;
}
