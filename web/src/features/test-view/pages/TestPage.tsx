import { useTranslation } from 'react-i18next';
import { Page } from '../../../components/ui';
import { Empty } from '../../../components/states';

export default function TestPage() {
  const { t } = useTranslation('testView');
  return (
    <Page title={t('title')}>
      <Empty />
    </Page>
  );
}
