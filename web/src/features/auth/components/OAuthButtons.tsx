import { useTranslation } from 'react-i18next';
import { useOAuthProviders } from '../api/auth-api';
import { oauthStartUrl } from './oauth-path';

/**
 * A button per configured provider (none configured: nothing at all). Each is a plain link to the API's
 * `/api/auth/oauth/{provider}`, which redirects the browser to the provider: no fetch.
 */
export function OAuthButtons() {
  const { t } = useTranslation('auth');
  const providers = useOAuthProviders();
  const list = providers.data?.providers ?? [];
  if (list.length === 0) return null;
  return (
    <>
      <p className="divider">{t('signIn.or')}</p>
      <div className="auth-providers">
        {list.map((p) => (
          <a key={p.id} className="btn" href={oauthStartUrl(p.id)}>
            {t('signIn.withProvider', { name: p.name })}
          </a>
        ))}
      </div>
    </>
  );
}
