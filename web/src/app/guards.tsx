import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useUser } from '../lib/auth/use-session';
import { paths } from '../lib/paths';

/** Signed-out visitors go to sign-in, which brings them back here afterwards (`?next=`). */
export function RequireAuth({ children }: { children: ReactNode }) {
  const user = useUser();
  const location = useLocation();
  if (!user) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`${paths.signIn}?next=${next}`} replace />;
  }
  return <>{children}</>;
}

/** Admin pages: a user who is not an admin sees the forbidden state, not a blank page. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const user = useUser();
  const { t } = useTranslation();
  if (user?.role !== 'admin')
    return (
      <div className="state state-forbidden" role="alert">
        {t('state.forbidden')}
      </div>
    );
  return <>{children}</>;
}
