import { useTranslation } from 'react-i18next';
import { Card, Chip } from '../../../../components/ui';
import { Artifacts, DetailsJson, MetricsGrid, Verdict } from './parts';
import type { ResultProps } from './types';
import { list } from './details';

const IMPACTS = ['critical', 'serious', 'moderate', 'minor'] as const;
type Impact = (typeof IMPACTS)[number];
/** The shared chip tones by severity: critical and serious red, moderate amber, minor blue. */
const TONE: Record<Impact, string> = {
  critical: 'critical',
  serious: 'high',
  moderate: 'medium',
  minor: 'low',
};
const COUNTS = [
  'violations_critical',
  'violations_serious',
  'violations_moderate',
  'violations_minor',
  'violations_total',
  'violation_nodes',
  'passes',
  'incomplete',
  'blocked_requests',
];

interface Violation {
  id: string;
  impact: Impact;
  wcag?: string[];
  help: string;
  description?: string;
  helpUrl?: string;
  nodeCount?: number;
  nodes?: Array<{ target: string; html: string }>;
  nodesOmitted?: number;
}
interface Review {
  id: string;
  impact?: string | null;
  help: string;
  nodeCount?: number;
  targets?: string[];
}

// Links only to web pages: a result is data, and a javascript: URL in it must not become a link.
const safeUrl = (url: string | undefined) => (url && /^https?:\/\//.test(url) ? url : undefined);

/** The accessibility engine: score and counts by impact, then each violated rule with its elements. */
export function AccessibilityResult({ test, result, engine }: ResultProps) {
  const { t } = useTranslation('testView');
  const violations = list<Violation>(result.details.violations);
  const review = list<Review>(result.details.incomplete);
  const blocked = list<{ url: string; reason: string }>(result.details.blocked);
  return (
    <>
      <Card title={t('result.title')}>
        <Verdict result={result} />
        <MetricsGrid result={result} engine={engine} only={COUNTS} />
        <Artifacts testId={test.testId} />
      </Card>
      <Card title={t('a11y.violations')}>
        {violations.length === 0 ? (
          <p className="muted">{t('a11y.noViolations')}</p>
        ) : (
          IMPACTS.map((impact) => (
            <ImpactGroup key={impact} impact={impact} rules={violations.filter((v) => v.impact === impact)} />
          ))
        )}
      </Card>
      <Card title={t('a11y.review')}>
        {review.length === 0 ? <p className="muted">{t('a11y.noReview')}</p> : <ReviewList items={review} />}
      </Card>
      {blocked.length > 0 && (
        <Card title={t('a11y.blocked')}>
          <ul className="tv-findings-list">
            {blocked.map((b, i) => (
              <li key={i}>
                <span className="tv-url">{b.url}</span>: {b.reason}
              </li>
            ))}
          </ul>
        </Card>
      )}
      <DetailsJson details={result.details} />
    </>
  );
}

function ImpactGroup({ impact, rules }: { impact: Impact; rules: Violation[] }) {
  const { t } = useTranslation('testView');
  if (rules.length === 0) return null;
  return (
    <section className="tv-findings" aria-label={t(`a11y.impact.${impact}`)}>
      <h3>
        <Chip value={TONE[impact]} label={t(`a11y.impact.${impact}`)} /> {rules.length}
      </h3>
      {rules.map((rule) => (
        <Rule key={rule.id} rule={rule} />
      ))}
    </section>
  );
}

function Rule({ rule }: { rule: Violation }) {
  const { t } = useTranslation('testView');
  const url = safeUrl(rule.helpUrl);
  const nodes = rule.nodes ?? [];
  return (
    <article className="tv-a11y-rule">
      <h4>
        {rule.help} <code>{rule.id}</code>
      </h4>
      {rule.description && <p>{rule.description}</p>}
      <p className="muted">
        {rule.wcag && rule.wcag.length > 0
          ? t('a11y.wcag', { criteria: rule.wcag.join(', ') })
          : t('a11y.bestPractice')}
        {url && (
          <>
            {' · '}
            <a href={url} target="_blank" rel="noreferrer">
              {t('a11y.howToFix', { rule: rule.id })}
            </a>
          </>
        )}
      </p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('a11y.selector')}</th>
              <th scope="col">{t('a11y.html')}</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((n, i) => (
              <tr key={i}>
                <td className="tv-url">{n.target}</td>
                <td>
                  {/* The page's markup as text, never as HTML: it is the audited site's content. */}
                  <code className="tv-url">{n.html}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {(rule.nodesOmitted ?? 0) > 0 && (
        <p className="muted">{t('a11y.omitted', { count: rule.nodesOmitted })}</p>
      )}
    </article>
  );
}

function ReviewList({ items }: { items: Review[] }) {
  const { t } = useTranslation('testView');
  return (
    <details className="tv-json">
      <summary>{t('a11y.reviewCount', { count: items.length })}</summary>
      <p className="muted">{t('a11y.reviewHint')}</p>
      <ul className="tv-findings-list">
        {items.map((r) => (
          <li key={r.id}>
            <strong>{r.help}</strong> <code>{r.id}</code>
            <small className="muted tv-block">
              {t('a11y.elements', { count: r.nodeCount ?? 0 })}
              {r.targets && r.targets.length > 0 && `: ${r.targets.join(', ')}`}
            </small>
          </li>
        ))}
      </ul>
    </details>
  );
}
