import { useTranslation } from 'react-i18next';
import { Page } from '../../../components/ui';
import { Empty } from '../../../components/states';

export default function SchedulesPage() {
  const { t } = useTranslation('schedules');
  return (
    <Page title={t('title')}>
      <Empty />
    </Page>
  );
}
