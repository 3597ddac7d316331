import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { paths } from '../../../lib/paths';

/** Rules, history and deliveries: the three sections of the alerts pages. */
export function AlertsNav() {
  const { t } = useTranslation('alerts');
  return (
    <nav className="alerts-nav" aria-label={t('nav.label')}>
      <NavLink to={paths.alerts} end>
        {t('nav.rules')}
      </NavLink>
      <NavLink to={paths.alertHistory}>{t('nav.history')}</NavLink>
      <NavLink to={paths.alertDeliveries}>{t('nav.deliveries')}</NavLink>
    </nav>
  );
}
