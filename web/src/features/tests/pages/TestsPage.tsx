import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Chip, Page, Select } from '../../../components/ui';
import { Empty, ErrorState, Loading } from '../../../components/states';
import { formatDateTime, formatDuration, formatMetric, formatRelative } from '../../../lib/format';
import { paths } from '../../../lib/paths';
import { useConnectionState } from '../../../lib/realtime/use-channel';
import { useUser } from '../../../lib/auth/use-session';
import { useScheduleOptions, useTestList, type TestFilters, type TestRow } from '../api/tests';
import { useEngines } from '../../../lib/api/engines';
import { useLiveTests } from '../hooks/use-live-tests';
import '../tests.css';

const STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
type Status = (typeof STATUSES)[number];

/** The filters live in the address (`?type=api&status=failed&schedule=…&q=shop`): a reload or a shared link keeps them. */
function useFilters() {
  const [params, setParams] = useSearchParams();
  const status = params.get('status');
  const filters: TestFilters = {
    type: params.get('type') || undefined,
    status: STATUSES.includes(status as Status) ? (status as Status) : undefined,
    scheduleId: params.get('schedule') || undefined,
    search: params.get('q') || undefined,
  };
  // From the address as it is now, not as this render saw it: two quick changes (typing, then a select)
  // must not undo each other.
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(window.location.search);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return { filters, params, set, clear: () => setParams({}, { replace: true }) };
}

export default function TestsPage() {
  const { t } = useTranslation('tests');
  const { filters, params, set, clear } = useFilters();
  const user = useUser();
  useLiveTests();
  const list = useTestList(filters);
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const [selected, setSelected] = useState<string[]>([]);
  const filtered = [...params.keys()].some((k) => ['type', 'status', 'schedule', 'q'].includes(k));

  const toggle = (id: string) =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id].slice(-2)));

  return (
    <Page
      title={user?.role === 'admin' ? t('list.titleAdmin') : t('title')}
      actions={
        <>
          <LiveIndicator />
          {selected.length === 2 ? (
            <Link className="btn" to={paths.compare(selected[0]!, selected[1]!)}>
              {t('list.compare')}
            </Link>
          ) : (
            <button type="button" className="btn" disabled title={t('list.compareHint')}>
              {t('list.compare')}
            </button>
          )}
          <Link className="btn btn-primary" to={paths.newTest}>
            {t('list.newTest')}
          </Link>
        </>
      }
    >
      <Filters filters={filters} set={set} />
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        filtered ? (
          <Empty title={t('list.noMatch')}>
            <button type="button" className="btn" onClick={clear}>
              {t('list.clearFilters')}
            </button>
          </Empty>
        ) : (
          <Empty title={t('list.empty')}>
            <p className="muted">{t('list.emptyHint')}</p>
            <Link className="btn btn-primary" to={paths.newTest}>
              {t('list.createFirst')}
            </Link>
          </Empty>
        )
      ) : (
        <>
          <p className="muted" aria-live="polite">
            {selected.length === 0 ? t('list.compareHint') : t('list.selected', { count: selected.length })}
          </p>
          <div className="table-wrap">
            <table className="tests-table">
              <caption className="sr-only">{t('list.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">
                    <span className="sr-only">{t('list.col.select')}</span>
                  </th>
                  <th scope="col">{t('list.col.url')}</th>
                  <th scope="col">{t('list.col.type')}</th>
                  <th scope="col">{t('list.col.status')}</th>
                  <th scope="col">{t('list.col.score')}</th>
                  <th scope="col">{t('list.col.created')}</th>
                  <th scope="col">{t('list.col.duration')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <Row
                    key={row.testId}
                    row={row}
                    selected={selected.includes(row.testId)}
                    toggle={() => toggle(row.testId)}
                  />
                ))}
              </tbody>
            </table>
          </div>
          {list.hasNextPage && (
            <div className="row tests-more">
              <button
                type="button"
                className="btn"
                disabled={list.isFetchingNextPage}
                onClick={() => void list.fetchNextPage()}
              >
                {list.isFetchingNextPage ? t('list.loadingMore') : t('list.more')}
              </button>
            </div>
          )}
        </>
      )}
    </Page>
  );
}

function LiveIndicator() {
  const { t } = useTranslation();
  const state = useConnectionState();
  return (
    <span className="tests-live" role="status">
      {state === 'open' ? (
        <Chip value="ok" label={t('state.live')} />
      ) : (
        <span className="muted">{t('state.offline')}</span>
      )}
    </span>
  );
}

export function StatusChip({ row }: { row: Pick<TestRow, 'status' | 'progress'> }) {
  const { t } = useTranslation('tests');
  const label =
    row.status === 'running'
      ? t('status.runningProgress', { progress: row.progress })
      : t(`status.${row.status}`);
  return <Chip value={row.status} label={label} />;
}

function Row({ row, selected, toggle }: { row: TestRow; selected: boolean; toggle(): void }) {
  const { t } = useTranslation('tests');
  const duration =
    row.startedAt && row.completedAt
      ? new Date(row.completedAt).getTime() - new Date(row.startedAt).getTime()
      : null;
  return (
    <tr className={selected ? 'selected' : undefined} data-test-id={row.testId}>
      <td>
        <input
          type="checkbox"
          checked={selected}
          onChange={toggle}
          aria-label={t('list.selectRow', { url: row.url })}
        />
      </td>
      <td className="tests-url">
        <Link to={paths.test(row.testId)} title={row.url}>
          {row.url}
        </Link>
        {row.tags.length > 0 && (
          <span className="tests-tags">
            {row.tags.map((tag) => (
              <span key={tag} className="badge">
                {tag}
              </span>
            ))}
          </span>
        )}
      </td>
      <td>{row.type}</td>
      <td>
        <StatusChip row={row} />
      </td>
      <td>{formatMetric(row.score, 'score')}</td>
      <td>
        <time dateTime={row.createdAt} title={formatDateTime(row.createdAt)}>
          {formatRelative(row.createdAt)}
        </time>
      </td>
      <td>{formatDuration(duration)}</td>
    </tr>
  );
}

function Filters({ filters, set }: { filters: TestFilters; set(key: string, value: string): void }) {
  const { t } = useTranslation('tests');
  const engines = useEngines();
  const schedules = useScheduleOptions();
  const searchId = useId();
  const [search, setSearch] = useState(filters.search ?? '');
  // Cleared or changed from outside (the "clear filters" button, the browser's back button).
  const [seen, setSeen] = useState(filters.search);
  if (seen !== filters.search) {
    setSeen(filters.search);
    if (search.trim() !== (filters.search ?? '')) setSearch(filters.search ?? '');
  }
  // The search box writes the address a moment after typing stops.
  useEffect(() => {
    if ((filters.search ?? '') === search) return;
    const timer = setTimeout(() => set('q', search.trim()), 350);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);

  const typeNames = engines.data?.map((e) => e.name) ?? [];
  if (filters.type && !typeNames.includes(filters.type)) typeNames.push(filters.type);
  const scheduleItems = schedules.data?.items ?? [];

  return (
    <form
      className="card tests-filters"
      role="search"
      aria-label={t('filters.label')}
      onSubmit={(e) => e.preventDefault()}
    >
      <div className="field">
        <label htmlFor={searchId}>{t('filters.search')}</label>
        <input
          id={searchId}
          type="search"
          value={search}
          maxLength={200}
          placeholder={t('filters.searchPlaceholder')}
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <Select
        label={t('filters.type')}
        value={filters.type ?? ''}
        onChange={(e) => set('type', e.target.value)}
        options={[{ value: '', label: t('filters.any') }, ...typeNames.map((n) => ({ value: n, label: n }))]}
      />
      <Select
        label={t('filters.status')}
        value={filters.status ?? ''}
        onChange={(e) => set('status', e.target.value)}
        options={[
          { value: '', label: t('filters.any') },
          ...STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) })),
        ]}
      />
      <Select
        label={t('filters.schedule')}
        value={filters.scheduleId ?? ''}
        onChange={(e) => set('schedule', e.target.value)}
        disabled={schedules.isPending && !filters.scheduleId}
        options={[
          { value: '', label: t('filters.any') },
          ...scheduleItems.map((s) => ({ value: s.id, label: s.name })),
          ...(filters.scheduleId && !scheduleItems.some((s) => s.id === filters.scheduleId)
            ? [{ value: filters.scheduleId, label: t('filters.thisSchedule') }]
            : []),
        ]}
      />
    </form>
  );
}
