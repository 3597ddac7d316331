import { useTranslation } from 'react-i18next';
import { Page } from '../../../components/ui';
import { Empty } from '../../../components/states';

export default function AccountPage() {
  const { t } = useTranslation('account');
  return (
    <Page title={t('title')}>
      <Empty />
    </Page>
  );
}
