import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../lib/api/problem';

/** The designed states of every page: loading, empty, error (with retry) and forbidden / not found. */
export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('state.loading')}
    </div>
  );
}

export function Empty({ title, children }: { title?: string; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="state state-empty">
      <p className="state-title">{title ?? t('state.empty')}</p>
      {children}
    </div>
  );
}

/** An error from a query: 403 and 404 get their own words; others show the API's detail and a retry. */
export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const { t } = useTranslation();
  if (isApiError(error, 403))
    return (
      <div className="state state-forbidden" role="alert">
        {t('state.forbidden')}
      </div>
    );
  if (isApiError(error, 404))
    return (
      <div className="state state-empty" role="alert">
        {t('state.notFound')}
      </div>
    );
  const detail = error instanceof Error ? error.message : String(error);
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">{t('state.error')}</p>
      <p className="muted">{detail}</p>
      {retry && (
        <button type="button" className="btn" onClick={retry}>
          {t('state.retry')}
        </button>
      )}
    </div>
  );
}

interface QueryLike<T> {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
  refetch: () => unknown;
}

/** Renders a query's loading and error states, then `children(data)`. */
export function QueryView<T>({ query, children }: { query: QueryLike<T>; children: (data: T) => ReactNode }) {
  if (query.isPending) return <Loading />;
  if (query.error) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  return <>{children(query.data as T)}</>;
}
