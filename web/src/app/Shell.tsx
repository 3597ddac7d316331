import { Suspense } from 'react';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { NotificationBell } from '../features/notifications';
import { Loading } from '../components/states';
import { useUser } from '../lib/auth/use-session';
import { useConnectionState } from '../lib/realtime/use-channel';
import { paths } from '../lib/paths';
import { signOut } from '../lib/auth/sign-out';
import { Preferences } from '../components/Preferences';

/** The signed-in frame of every page: navigation, the live bell, language and theme, sign-out. */
export function Shell() {
  const { t } = useTranslation();
  const user = useUser();
  const navigate = useNavigate();
  const connection = useConnectionState();
  const links = [
    { to: paths.tests, label: t('nav.tests') },
    { to: paths.schedules, label: t('nav.schedules') },
    { to: paths.alerts, label: t('nav.alerts') },
    ...(user?.role === 'admin' ? [{ to: paths.admin, label: t('nav.admin') }] : []),
  ];
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="shell-header">
        <Link to={paths.tests} className="brand">
          {t('appName')}
        </Link>
        <nav className="shell-nav" aria-label="Main">
          {links.map((l) => (
            <NavLink key={l.to} to={l.to}>
              {l.label}
            </NavLink>
          ))}
        </nav>
        <div className="shell-tools">
          <NotificationBell />
          <Preferences />
          <NavLink to={paths.account} className="btn btn-small" title={user?.email}>
            {t('nav.account')}
          </NavLink>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void signOut().then(() => navigate(paths.signIn))}
          >
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      {connection === 'closed' && (
        <div className="banner" role="status">
          {t('state.offline')}
        </div>
      )}
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </>
  );
}
