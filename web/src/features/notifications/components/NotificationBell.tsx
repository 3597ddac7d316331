import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { paths } from '../../../lib/paths';

/** The bell in the header (placeholder: the live unread badge comes with the inbox). */
export function NotificationBell() {
  const { t } = useTranslation();
  return (
    <Link to={paths.notifications} className="btn btn-small">
      {t('nav.notifications')}
    </Link>
  );
}
