import { useTranslation } from 'react-i18next';
import { Page } from '../../../components/ui';
import { Empty } from '../../../components/states';

export default function InboxPage() {
  const { t } = useTranslation('notifications');
  return (
    <Page title={t('title')}>
      <Empty />
    </Page>
  );
}
