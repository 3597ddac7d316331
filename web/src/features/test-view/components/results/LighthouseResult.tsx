import { useTranslation } from 'react-i18next';
import { Card, Chip } from '../../../../components/ui';
import { ScoreGauge } from '../../../../components/ScoreGauge';
import { formatMetric } from '../../../../lib/format';
import { useArtifacts, type ArtifactItem } from '../../api/artifacts';
import { Artifacts, DetailsJson, Findings, MetricsGrid, unitOf, Verdict } from './parts';
import { BAND_TONE, bandOf, VITALS } from './lighthouse-bands';
import type { ResultProps } from './types';
import { list } from './details';

interface Category {
  id: string;
  title: string;
  score: number | null;
}
interface Audit {
  id: string;
  title: string;
  score: number | null;
  displayValue?: string;
  savings?: { ms?: number; bytes?: number };
  weight: number;
  failed: boolean;
}
interface Frame {
  timingMs: number;
  artifact: string;
}

const OTHER_METRICS = [
  'ttfb_ms',
  'total_byte_weight_bytes',
  'request_count',
  'dom_size',
  'runs',
  'performance_score_spread',
  'blocked_requests',
  'run_wall_ms',
  'browser_peak_memory_bytes',
];
/** Files this view shows itself; the generic list shows the rest (the JSON result). */
const SHOWN = /^(lighthouse-report\.html|final-screenshot\.\w+|filmstrip-\d+\.\w+)$/;

/** The lighthouse engine: category gauges, Web Vitals in Lighthouse's bands, the load as it looked, failed audits. */
export function LighthouseResult({ test, result, engine }: ResultProps) {
  const { t } = useTranslation('testView');
  const { data } = useArtifacts(test.testId);
  const files = new Map((data?.items ?? []).map((a) => [a.name, a]));
  const categories = list<Category>(result.details.categories);
  const config = (result.details.config ?? {}) as { formFactor?: string; throttling?: string };
  const report = files.get('lighthouse-report.html');
  return (
    <>
      <Card title={t('result.title')}>
        <Verdict result={result} />
        {categories.length > 0 && (
          <div className="tv-lh-gauges">
            {categories.map((c) => (
              <ScoreGauge key={c.id} score={c.score} label={c.title} size={80} />
            ))}
          </div>
        )}
        <p className="muted">
          {t('lighthouse.config', {
            formFactor: t(`lighthouse.formFactor.${config.formFactor === 'desktop' ? 'desktop' : 'mobile'}`),
            throttling: t(`lighthouse.throttling.${config.throttling ?? 'simulate'}`),
          })}
        </p>
        {report && (
          <p>
            <a className="btn" href={report.url} target="_blank" rel="noreferrer">
              {t('lighthouse.openReport')}
            </a>
          </p>
        )}
        <Vitals result={result} mobile={config.formFactor !== 'desktop'} engine={engine} />
        <h3>{t('lighthouse.other')}</h3>
        <MetricsGrid result={result} engine={engine} only={OTHER_METRICS} />
      </Card>
      <Screens frames={list<Frame>(result.details.filmstrip)} files={files} />
      <Card title={t('lighthouse.audits')}>
        <FailedAudits audits={list<Audit>(result.details.audits).filter((a) => a.failed)} />
      </Card>
      <Card title={t('result.findings')}>
        <Findings findings={result.findings} />
        <Artifacts testId={test.testId} exclude={(a) => SHOWN.test(a.name)} />
      </Card>
      <DetailsJson details={result.details} />
    </>
  );
}

function Vitals({
  result,
  mobile,
  engine,
}: { result: ResultProps['result']; mobile: boolean } & Pick<ResultProps, 'engine'>) {
  const { t } = useTranslation('testView');
  const shown = VITALS.filter((v) => typeof result.metrics[v.metric] === 'number');
  if (shown.length === 0) return null;
  return (
    <>
      <h3>{t('lighthouse.vitals')}</h3>
      <dl className="tv-metrics">
        {shown.map((v) => {
          const value = result.metrics[v.metric]!;
          const bands = mobile ? v.mobile : v.desktop;
          const band = bandOf(value, bands);
          const unit = unitOf(engine, v.metric);
          return (
            <div key={v.metric} className="tv-metric">
              <dt>{t(`lighthouse.vital.${v.metric}`)}</dt>
              <dd>
                {formatMetric(value, unit)}{' '}
                <Chip value={BAND_TONE[band]} label={t(`lighthouse.band.${band}`)} />
              </dd>
              <dd className="muted">
                {t('lighthouse.bands', {
                  good: formatMetric(bands[0], unit),
                  poor: formatMetric(bands[1], unit),
                })}
              </dd>
            </div>
          );
        })}
      </dl>
    </>
  );
}

function Screens({ frames, files }: { frames: Frame[]; files: Map<string, ArtifactItem> }) {
  const { t } = useTranslation('testView');
  const shot = [...files.values()].find((a) => a.name.startsWith('final-screenshot.'));
  const shown = frames.filter((f) => files.has(f.artifact));
  if (!shot && shown.length === 0) return null;
  return (
    <Card title={t('lighthouse.screens')}>
      {shown.length > 0 && (
        <ol className="tv-lh-filmstrip" aria-label={t('lighthouse.filmstrip')}>
          {shown.map((f) => (
            <li key={f.artifact}>
              <img
                src={files.get(f.artifact)!.url}
                alt={t('lighthouse.frameAt', { time: formatMetric(f.timingMs, 'ms') })}
                loading="lazy"
              />
              <span className="muted">{formatMetric(f.timingMs, 'ms')}</span>
            </li>
          ))}
        </ol>
      )}
      {shot && (
        <figure className="tv-lh-final">
          <a href={shot.url} target="_blank" rel="noreferrer">
            <img src={shot.url} alt={t('lighthouse.finalScreenshot')} loading="lazy" />
          </a>
          <figcaption className="muted">{t('lighthouse.finalScreenshot')}</figcaption>
        </figure>
      )}
    </Card>
  );
}

function FailedAudits({ audits }: { audits: Audit[] }) {
  const { t } = useTranslation('testView');
  if (audits.length === 0) return <p className="muted">{t('lighthouse.noFailedAudits')}</p>;
  const sorted = [...audits].sort(
    (a, b) =>
      (b.savings?.ms ?? 0) - (a.savings?.ms ?? 0) || b.weight - a.weight || (a.score ?? 0) - (b.score ?? 0),
  );
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('lighthouse.audit')}</th>
            <th scope="col">{t('lighthouse.auditScore')}</th>
            <th scope="col">{t('lighthouse.value')}</th>
            <th scope="col">{t('lighthouse.savings')}</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((a) => (
            <tr key={a.id}>
              <td>
                {a.title.replace(/`/g, '')} <code>{a.id}</code>
              </td>
              <td>{a.score ?? '—'}</td>
              <td>{a.displayValue ?? '—'}</td>
              <td>
                {[
                  a.savings?.ms !== undefined ? formatMetric(a.savings.ms, 'ms') : '',
                  a.savings?.bytes !== undefined ? formatMetric(a.savings.bytes, 'bytes') : '',
                ]
                  .filter(Boolean)
                  .join(' · ') || '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
