import { useTranslation } from 'react-i18next';
import { Page } from '../../../components/ui';
import { Empty } from '../../../components/states';

export default function AdminPage() {
  const { t } = useTranslation('admin');
  return (
    <Page title={t('title')}>
      <Empty />
    </Page>
  );
}
