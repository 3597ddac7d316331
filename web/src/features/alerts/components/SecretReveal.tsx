import { useTranslation } from 'react-i18next';
import { CopyButton } from '../../../components/ui';
import { formatDateTime } from '../../../lib/format';

/** The webhook signing secret, shown once (creation or rotation) with a copy button and a warning. */
export function SecretReveal({
  secret,
  previousExpiresAt,
  onDone,
}: {
  secret: string;
  previousExpiresAt?: string;
  onDone: () => void;
}) {
  const { t } = useTranslation('alerts');
  return (
    <section className="card alerts-secret" role="region" aria-labelledby="alerts-secret-title">
      <h2 id="alerts-secret-title">{t('secret.title')}</h2>
      <p className="form-error" role="alert">
        {t('secret.warning')}
      </p>
      <div className="row">
        <code className="alerts-secret-value" aria-label={t('secret.label')}>
          {secret}
        </code>
        <CopyButton text={secret} />
      </div>
      {previousExpiresAt && (
        <p className="muted">{t('secret.previous', { when: formatDateTime(previousExpiresAt) })}</p>
      )}
      <button type="button" className="btn" onClick={onDone}>
        {t('secret.done')}
      </button>
    </section>
  );
}
