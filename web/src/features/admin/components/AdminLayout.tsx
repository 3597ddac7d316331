import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Page } from '../../../components/ui';
import { paths } from '../../../lib/paths';
import '../admin.css';

/** Every admin page: its heading, the admin sub-navigation, then its content. */
export function AdminLayout({
  title,
  actions,
  children,
}: {
  title: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation('admin');
  const links = [
    { to: paths.admin, label: t('nav.overview'), end: true },
    { to: paths.adminQueue, label: t('nav.queue') },
    { to: paths.adminUsers, label: t('nav.users') },
    { to: paths.adminCache, label: t('nav.cache') },
    { to: paths.adminOutbox, label: t('nav.outbox') },
  ];
  return (
    <Page title={title} actions={actions}>
      <nav className="admin-nav" aria-label={t('nav.label')}>
        {links.map((l) => (
          <NavLink key={l.to} to={l.to} end={l.end}>
            {l.label}
          </NavLink>
        ))}
      </nav>
      {children}
    </Page>
  );
}
