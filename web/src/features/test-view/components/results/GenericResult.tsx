import { useTranslation } from 'react-i18next';
import { Card } from '../../../../components/ui';
import { Artifacts, DetailsJson, Findings, MetricsGrid, Verdict } from './parts';
import type { ResultProps } from './types';

/** Any engine without its own view: verdict and score, metrics with units, findings, raw details. */
export function GenericResult({ test, result, engine }: ResultProps) {
  const { t } = useTranslation('testView');
  return (
    <>
      <Card title={t('result.title')}>
        <Verdict result={result} />
        <MetricsGrid result={result} engine={engine} />
        <Artifacts testId={test.testId} />
      </Card>
      <Card title={t('result.findings')}>
        <Findings findings={result.findings} />
      </Card>
      <DetailsJson details={result.details} />
    </>
  );
}
