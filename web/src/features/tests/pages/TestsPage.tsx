import { useTranslation } from 'react-i18next';
import { Page } from '../../../components/ui';
import { Empty } from '../../../components/states';

export default function TestsPage() {
  const { t } = useTranslation('tests');
  return (
    <Page title={t('title')}>
      <Empty />
    </Page>
  );
}
