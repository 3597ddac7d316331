import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { paths } from '../lib/paths';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <div className="state">
      <p className="state-title">{t('notFoundPage')}</p>
      <Link to={paths.tests}>{t('backHome')}</Link>
    </div>
  );
}
