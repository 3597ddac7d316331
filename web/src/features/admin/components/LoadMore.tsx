import { useTranslation } from 'react-i18next';

/** The "load more" button of a cursor-paged list (shown only while there is a next page). */
export function LoadMore({
  query,
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
}) {
  const { t } = useTranslation();
  if (!query.hasNextPage) return null;
  return (
    <div className="row admin-more">
      <button
        type="button"
        className="btn"
        disabled={query.isFetchingNextPage}
        onClick={() => void query.fetchNextPage()}
      >
        {query.isFetchingNextPage ? t('state.loading') : t('action.more')}
      </button>
    </div>
  );
}
