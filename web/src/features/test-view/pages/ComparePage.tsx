import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Card, Field, Page } from '../../../components/ui';
import { ErrorState, Loading } from '../../../components/states';
import { ScoreGauge } from '../../../components/ScoreGauge';
import { formatDateTime, formatMetric } from '../../../lib/format';
import { paths } from '../../../lib/paths';
import { useTestResult, type TestResult } from '../api/queries';
import { useEngineMap } from '../../../lib/api/engines';
import { unitOf } from '../components/results/parts';
import '../test-view.css';

type Direction = 'lower' | 'higher' | null;

/** Which way is better, where it is known: times, sizes and errors lower; scores, throughput, passes higher. */
function directionOf(name: string): Direction {
  if (/(_ms|_bytes)$|error|failed|dropped|^cls$/.test(name)) return 'lower';
  if (/score|rps|_passed$/.test(name)) return 'higher';
  return null;
}

const UUID = /^[0-9a-f-]{36}$/i;

/** Two results side by side: every metric with the difference, and the findings only one of them has. */
export default function ComparePage() {
  const { t } = useTranslation('testView');
  const [params, setParams] = useSearchParams();
  const a = params.get('a') ?? '';
  const b = params.get('b') ?? '';
  const valid = UUID.test(a) && UUID.test(b);
  const left = useTestResult(a, valid);
  const right = useTestResult(b, valid);
  const engines = useEngineMap();

  return (
    <Page title={t('compare.title')}>
      <ChooseForm a={a} b={b} onChoose={(na, nb) => setParams({ a: na, b: nb })} />
      {!valid ? (
        <p className="state">{t('compare.pick')}</p>
      ) : left.isPending || right.isPending ? (
        <Loading />
      ) : left.error || right.error ? (
        <ErrorState
          error={left.error ?? right.error}
          retry={() => {
            void left.refetch();
            void right.refetch();
          }}
        />
      ) : (
        <Comparison
          a={left.data}
          b={right.data}
          unit={(type, name) => unitOf(engines.data?.get(type), name)}
        />
      )}
    </Page>
  );
}

function ChooseForm({ a, b, onChoose }: { a: string; b: string; onChoose: (a: string, b: string) => void }) {
  const { t } = useTranslation('testView');
  const [na, setA] = useState(a);
  const [nb, setB] = useState(b);
  return (
    <details className="tv-choose" open={!a || !b}>
      <summary>{t('compare.change')}</summary>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          onChoose(na.trim(), nb.trim());
        }}
      >
        <Field label={t('compare.a')} value={na} onChange={(e) => setA(e.target.value)} />
        <Field label={t('compare.b')} value={nb} onChange={(e) => setB(e.target.value)} />
        <button type="submit" className="btn">
          {t('compare.go')}
        </button>
      </form>
    </details>
  );
}

function Comparison({
  a,
  b,
  unit,
}: {
  a: TestResult;
  b: TestResult;
  unit: (type: string, name: string) => string;
}) {
  const { t } = useTranslation('testView');
  const names = [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])];
  const rows: Array<{ name: string; va: number | null; vb: number | null; unit: string }> = [
    ...(a.score !== null || b.score !== null ? [{ name: 'score', va: a.score, vb: b.score, unit: '' }] : []),
    ...names.map((name) => ({
      name,
      va: a.metrics[name] ?? null,
      vb: b.metrics[name] ?? null,
      unit: unit(b.type, name) || unit(a.type, name),
    })),
  ];
  const titles = (r: TestResult) => new Set(r.findings.map((f) => f.title));
  const onlyA = a.findings.filter((f) => !titles(b).has(f.title));
  const onlyB = b.findings.filter((f) => !titles(a).has(f.title));

  return (
    <>
      <div className="grid tv-two">
        {[a, b].map((r, i) => (
          <Card key={r.testId} title={i === 0 ? t('compare.a') : t('compare.b')}>
            <div className="tv-verdict">
              {r.score !== null && <ScoreGauge score={r.score} label={t('result.score')} size={72} />}
              <div>
                <Link to={paths.test(r.testId)}>
                  {r.type} · {formatDateTime(r.completedAt)}
                </Link>
                <p className="tv-url">{r.url}</p>
                <p className="muted">{r.summary}</p>
              </div>
            </div>
          </Card>
        ))}
      </div>
      <Card title={t('compare.metrics')}>
        <div className="table-wrap">
          <table className="tv-compare">
            <thead>
              <tr>
                <th scope="col">{t('compare.metric')}</th>
                <th scope="col">{t('compare.a')}</th>
                <th scope="col">{t('compare.b')}</th>
                <th scope="col">{t('compare.diff')}</th>
                <th scope="col">{t('compare.pct')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const diff = r.va !== null && r.vb !== null ? r.vb - r.va : null;
                const pct = diff !== null && r.va ? (diff / Math.abs(r.va)) * 100 : null;
                const dir = directionOf(r.name);
                const tone =
                  diff === null || diff === 0 || !dir
                    ? ''
                    : diff < 0 === (dir === 'lower')
                      ? 'tv-better'
                      : 'tv-worse';
                const verdict = tone === 'tv-better' ? t('compare.better') : tone ? t('compare.worse') : '';
                return (
                  <tr key={r.name} data-metric={r.name}>
                    <th scope="row">
                      <code>{r.name}</code>
                    </th>
                    <td>{formatMetric(r.va, r.unit)}</td>
                    <td>{formatMetric(r.vb, r.unit)}</td>
                    <td className={tone}>
                      {diff === null ? '—' : `${diff > 0 ? '+' : ''}${formatMetric(diff, r.unit)}`}
                      {verdict && <span className="sr-only"> ({verdict})</span>}
                    </td>
                    <td className={tone}>
                      {pct === null ? '—' : `${pct > 0 ? '+' : ''}${formatMetric(pct)} %`}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Card>
      <div className="grid tv-two">
        <Card title={t('compare.onlyA')}>
          <FindingList items={onlyA} />
        </Card>
        <Card title={t('compare.onlyB')}>
          <FindingList items={onlyB} />
        </Card>
      </div>
    </>
  );
}

function FindingList({ items }: { items: TestResult['findings'] }) {
  const { t } = useTranslation('testView');
  if (items.length === 0) return <p className="muted">{t('compare.noDifference')}</p>;
  return (
    <ul className="tv-findings-list">
      {items.map((f, i) => (
        <li key={i}>
          <span
            className={`chip chip-${f.severity === 'critical' || f.severity === 'high' ? 'bad' : 'warn'}`}
          >
            {t(
              `severity.${['critical', 'high', 'medium', 'low', 'info'].includes(f.severity) ? f.severity : 'other'}`,
            )}
          </span>{' '}
          {f.title}
        </li>
      ))}
    </ul>
  );
}
