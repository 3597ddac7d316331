import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Card, Chip, FormError, Page, Select } from '../../../components/ui';
import { ErrorState, Loading, QueryView } from '../../../components/states';
import { formatDateTime, formatDuration, formatRelative } from '../../../lib/format';
import { paths } from '../../../lib/paths';
import { useConnectionState } from '../../../lib/realtime/use-channel';
import {
  FINISHED,
  useSameKind,
  useTest,
  useTestActions,
  useTestLive,
  useTestResult,
  type TestView,
} from '../api/queries';
import { useEngineMap } from '../../../lib/api/engines';
import { useLiveTest } from '../hooks/use-live-test';
import { StressCharts } from '../components/StressCharts';
import { ResultView } from '../components/results/registry';
import '../test-view.css';

/** One test: its status live over /ws (queue position, progress, live charts), then its result. */
export default function TestPage() {
  const { testId = '' } = useParams();
  const { t } = useTranslation('testView');
  const test = useTest(testId);
  if (test.data) return <TestBody test={test.data} />;
  return (
    <Page title={t('title')}>
      <QueryView query={test}>{() => null}</QueryView>
    </Page>
  );
}

function TestBody({ test }: { test: TestView }) {
  const { t } = useTranslation('testView');
  const engines = useEngineMap();
  const engine = engines.data?.get(test.type);
  const streamsLive = engine?.streamsLive ?? false;
  useLiveTest(test.testId, test.status, streamsLive);
  const live = useTestLive(test.testId, test.status);
  const result = useTestResult(test.testId, test.status === 'completed');
  const actions = useTestActions(test.testId);
  const connection = useConnectionState();
  const finished = FINISHED.has(test.status);
  const points = live.data?.points ?? [];

  return (
    <Page
      title={t('heading', { type: test.type })}
      actions={
        <>
          {!finished && (
            <button
              type="button"
              className="btn btn-danger"
              disabled={actions.cancel.isPending}
              onClick={() => actions.cancel.mutate()}
            >
              {t('cancel')}
            </button>
          )}
          {(test.status === 'failed' || test.status === 'cancelled') && (
            <button
              type="button"
              className="btn btn-primary"
              disabled={actions.retry.isPending}
              onClick={() => actions.retry.mutate()}
            >
              {t('retry')}
            </button>
          )}
          <Link className="btn" to={paths.tests}>
            {t('back')}
          </Link>
        </>
      }
    >
      <FormError error={actions.cancel.error ?? actions.retry.error} />
      <Card
        title={t('status.title')}
        actions={
          !finished && (
            <Chip
              value={connection === 'open' ? 'active' : 'pending'}
              label={connection === 'open' ? t('connection.live') : t('connection.reconnecting')}
            />
          )
        }
      >
        <div className="tv-status" aria-live="polite">
          <p className="tv-url-line">
            <Chip value={test.status} label={t(`state.${test.status}`)} />{' '}
            <span className="tv-url">{test.url}</span>
          </p>
          {test.status === 'queued' && (
            <p data-testid="queue-position">
              {live.data && live.data.queuePosition !== null
                ? live.data.queuePosition === 0
                  ? t('queue.next')
                  : t('queue.ahead', { count: live.data.queuePosition })
                : t('queue.waiting')}
            </p>
          )}
          {test.status === 'running' && (
            <div className="tv-progress">
              <label htmlFor="tv-progress">{t('progress', { percent: test.progress })}</label>
              <progress id="tv-progress" max={100} value={test.progress} />
              {test.message && <p className="muted">{test.message}</p>}
            </div>
          )}
          {test.error && test.status === 'failed' && <p className="form-error">{test.error}</p>}
          <dl className="tv-times">
            <div>
              <dt>{t('time.created')}</dt>
              <dd title={formatDateTime(test.createdAt)}>{formatRelative(test.createdAt)}</dd>
            </div>
            <div>
              <dt>{t('time.started')}</dt>
              <dd>{formatDateTime(test.startedAt)}</dd>
            </div>
            <div>
              <dt>{t('time.completed')}</dt>
              <dd>{formatDateTime(test.completedAt)}</dd>
            </div>
            {test.startedAt && test.completedAt && (
              <div>
                <dt>{t('time.duration')}</dt>
                <dd>{formatDuration(Date.parse(test.completedAt) - Date.parse(test.startedAt))}</dd>
              </div>
            )}
            <div>
              <dt>{t('time.priority')}</dt>
              <dd>{test.priority}</dd>
            </div>
            {test.retryCount > 0 && (
              <div>
                <dt>{t('time.retries')}</dt>
                <dd>{test.retryCount}</dd>
              </div>
            )}
          </dl>
        </div>
      </Card>

      {streamsLive && test.status !== 'completed' && (
        <Card title={t('stress.live')}>
          {points.length === 0 ? (
            <p className="muted">{finished ? t('stress.noPoints') : t('stress.waiting')}</p>
          ) : null}
          {(points.length > 0 || !finished) && <StressCharts points={points} />}
        </Card>
      )}

      {test.status === 'completed' &&
        (result.isPending ? (
          <Loading />
        ) : result.error ? (
          <ErrorState error={result.error} retry={() => void result.refetch()} />
        ) : (
          <>
            <ResultView test={test} result={result.data} engine={engine} />
            <CompareWith test={test} />
          </>
        ))}
      {test.status === 'cancelled' && <p className="state">{t('cancelledNote')}</p>}
    </Page>
  );
}

/** Pick another completed run of the same engine to compare with this one. */
function CompareWith({ test }: { test: TestView }) {
  const { t } = useTranslation('testView');
  const navigate = useNavigate();
  const others = useSameKind(test.type);
  const options = (others.data?.items ?? []).filter((o) => o.testId !== test.testId);
  const [other, setOther] = useState('');
  const chosen = other || options[0]?.testId || '';
  if (options.length === 0) return null;
  return (
    <Card title={t('compare.withTitle')}>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen) void navigate(paths.compare(chosen, test.testId));
        }}
      >
        <Select
          label={t('compare.other')}
          value={chosen}
          onChange={(e) => setOther(e.target.value)}
          options={options.map((o) => ({
            value: o.testId,
            label: `${formatDateTime(o.completedAt ?? o.createdAt)} · ${o.url}`,
          }))}
        />
        <button type="submit" className="btn">
          {t('compare.go')}
        </button>
      </form>
    </Card>
  );
}
