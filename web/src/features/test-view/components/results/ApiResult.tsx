import { useTranslation } from 'react-i18next';
import { Card, Chip } from '../../../../components/ui';
import { DetailsJson, Findings, MetricsGrid, Verdict } from './parts';
import type { ResultProps } from './types';

interface AssertionRow {
  source: string;
  property?: string;
  comparison: string;
  expected?: unknown;
  actual?: unknown;
  passed: boolean;
  message?: string;
}
interface StepRow {
  name: string;
  method?: string;
  url?: string;
  status?: number;
  error?: string;
  assertions?: AssertionRow[];
}

const show = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** The api engine: every step's assertions (expected against actual), then metrics and findings. */
export function ApiResult({ result, engine }: ResultProps) {
  const { t } = useTranslation('testView');
  const steps = Array.isArray(result.details.steps) ? (result.details.steps as StepRow[]) : [];
  const rows = steps.flatMap((s) => (s.assertions ?? []).map((a) => ({ step: s, a })));
  return (
    <>
      <Card title={t('result.title')}>
        <Verdict result={result} />
        <MetricsGrid result={result} engine={engine} />
      </Card>
      <Card title={t('api.assertions')}>
        {rows.length === 0 ? (
          <p className="muted">{t('api.noAssertions')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('api.step')}</th>
                  <th scope="col">{t('api.assertion')}</th>
                  <th scope="col">{t('api.expected')}</th>
                  <th scope="col">{t('api.actual')}</th>
                  <th scope="col">{t('api.outcome')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ step, a }, i) => (
                  <tr key={i}>
                    <td>
                      {step.name}
                      {step.method && (
                        <small className="muted tv-block">
                          {step.method} {step.status ?? ''}
                        </small>
                      )}
                    </td>
                    <td>
                      <code>
                        {a.source}
                        {a.property ? ` ${a.property}` : ''} {a.comparison}
                      </code>
                    </td>
                    <td>
                      <code>{show(a.expected)}</code>
                    </td>
                    <td>
                      <code>{show(a.actual)}</code>
                      {a.message && !a.passed && <small className="muted tv-block">{a.message}</small>}
                    </td>
                    <td>
                      <Chip
                        value={a.passed ? 'passed' : 'failed'}
                        label={t(a.passed ? 'api.pass' : 'api.fail')}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {steps
          .filter((s) => s.error)
          .map((s, i) => (
            <p key={i} className="form-error">
              {s.name}: {s.error}
            </p>
          ))}
      </Card>
      <Card title={t('result.findings')}>
        <Findings findings={result.findings} />
      </Card>
      <DetailsJson details={result.details} />
    </>
  );
}
