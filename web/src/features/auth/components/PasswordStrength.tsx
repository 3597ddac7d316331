import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { usePasswordStrength } from '../api/auth-api';
import { useDebounced } from '../hooks/useDebounced';

/**
 * The strength of `password` as the server judges it (POST /api/auth/password/strength: the same zxcvbn
 * and PASSWORD_MIN_SCORE as registration), asked once typing pauses. Its words are zxcvbn's (English).
 */
export function PasswordStrength({ password, email, id }: { password: string; email?: string; id?: string }) {
  const { t } = useTranslation('auth');
  const auto = useId();
  const labelId = `${id ?? auto}-label`;
  const settled = useDebounced({ password, email: email || undefined }, 350);
  const query = usePasswordStrength(settled);
  if (!password) return null;
  const data = query.data;
  const stale = query.isFetching || settled.password !== password;
  const tone = !data ? 'none' : data.acceptable ? 'ok' : data.score >= data.minScore - 1 ? 'warn' : 'bad';
  const level = data ? t(`strength.level${Math.min(4, Math.max(0, data.score))}` as 'strength.level0') : '';
  return (
    <div className={`strength strength-${tone}`} id={id} aria-busy={stale || undefined}>
      <div
        className="strength-bar"
        role="meter"
        aria-labelledby={labelId}
        aria-valuemin={0}
        aria-valuemax={4}
        aria-valuenow={data?.score ?? 0}
        aria-valuetext={data ? level : t('strength.checking')}
      >
        {[0, 1, 2, 3, 4].map((i) => (
          <span key={i} className={data && i <= data.score ? 'on' : undefined} />
        ))}
      </div>
      <div aria-live="polite">
        <p>
          <span id={labelId} className="muted">
            {t('strength.label')}:{' '}
          </span>
          {data ? (
            <strong>
              {t('strength.summary', { level, score: data.score, min: data.minScore })}{' '}
              {data.acceptable ? t('strength.acceptable') : t('strength.notAcceptable')}
            </strong>
          ) : query.isError ? (
            t('strength.unavailable')
          ) : (
            t('strength.checking')
          )}
        </p>
        {data && (data.warning || data.suggestions.length > 0) && (
          <>
            <p className="muted">
              {t('strength.serverWords')} {data.warning}
            </p>
            {data.suggestions.length > 0 && (
              <ul className="muted">
                {data.suggestions.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </div>
  );
}
