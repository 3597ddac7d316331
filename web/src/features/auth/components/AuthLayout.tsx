import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Preferences } from '../../../components/Preferences';
import '../auth.css';

/** A signed-out page: the product's name and the pickers, then one centred card with the page's h1. */
export function AuthLayout({
  title,
  children,
  footer,
}: {
  title: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  const { t } = useTranslation();
  const { t: ta } = useTranslation('auth');
  useEffect(() => {
    document.title = `${title} · ${t('appName')}`;
  }, [title, t]);
  return (
    <main className="auth-page" id="main">
      <header className="auth-header">
        <div>
          <p className="auth-brand">{t('appName')}</p>
          <p className="muted auth-tagline">{ta('tagline')}</p>
        </div>
        <Preferences />
      </header>
      <section className="card auth-card">
        <h1>{title}</h1>
        {children}
      </section>
      {footer && <footer className="auth-footer">{footer}</footer>}
    </main>
  );
}
