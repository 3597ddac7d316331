import { NavLink, Outlet } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Page } from '../../../components/ui';
import { paths } from '../../../lib/paths';
import '../account.css';

/** The account's frame: one heading and its tabs (profile, security, providers, sessions, API tokens). */
export default function AccountLayout() {
  const { t } = useTranslation('account');
  const tabs = [
    { to: paths.account, label: t('tabs.profile'), end: true },
    { to: paths.accountSecurity, label: t('tabs.security') },
    { to: paths.accountProviders, label: t('tabs.providers') },
    { to: paths.accountSessions, label: t('tabs.sessions') },
    { to: paths.accountTokens, label: t('tabs.tokens') },
  ];
  return (
    <Page title={t('title')}>
      <nav className="tabs" aria-label={t('tabs.label')}>
        {tabs.map((tab) => (
          <NavLink key={tab.to} to={tab.to} end={tab.end}>
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </Page>
  );
}
