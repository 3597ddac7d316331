import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Card, Chip } from '../../../../components/ui';
import { DetailsJson, Findings, MetricsGrid, Verdict } from './parts';
import type { ResultProps } from './types';
import { list, object } from './details';

interface HeaderTest {
  id: string;
  pass: boolean;
  result: string;
  modifier: number;
  description: string;
}
interface Tls {
  protocol: string;
  authorized: boolean;
  authorizationError: string | null;
  issuer: string;
  subject: string;
  selfSigned: boolean;
  validTo: string;
  daysLeft: number;
  expired: boolean;
  subjectAltNames: string[];
  sanCoversHost: boolean;
  keyType: string;
  keyBits: number;
  ocspStapled: boolean;
}
interface Probe {
  path: string;
  url: string;
  status: number;
  exposed: boolean;
  what: string;
  error?: string;
}

const COUNTS = [
  'grade_score',
  'headers_missing',
  'cookies_insecure',
  'exposed_files',
  'tls_cert_days_left',
  'tls_protocol_version',
  'requests_made',
];

// A, A+ and A- green; B and C amber; D and F red (the chips' shared tones).
const gradeTone = (grade: string) =>
  grade.startsWith('A') ? 'passed' : /^[BC]/.test(grade) ? 'medium' : 'failed';
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** The security engine: the Observatory grade, each header test's verdict, the certificate, exposed files. */
export function SecurityResult({ result, engine }: ResultProps) {
  const { t } = useTranslation('testView');
  const d = result.details;
  const grade = typeof d.grade === 'string' ? d.grade : '—';
  const tls = object<Tls>(d.tls);
  return (
    <>
      <Card title={t('result.title')}>
        <div className="tv-verdict">
          <p style={{ fontSize: '2rem', margin: 0 }} aria-label={t('security.gradeLabel', { grade })}>
            <Chip value={gradeTone(grade)} label={grade} />
          </p>
          <Verdict result={result} />
        </div>
        <MetricsGrid result={result} engine={engine} only={COUNTS} />
      </Card>
      <Card title={t('security.tests')}>
        <HeaderTests tests={list<HeaderTest>(d.tests)} />
      </Card>
      <Card title={t('security.certificate')}>
        {tls ? (
          <Certificate tls={tls} />
        ) : (
          <p className="muted">{typeof d.tlsError === 'string' ? d.tlsError : t('security.noTls')}</p>
        )}
      </Card>
      <Card title={t('security.exposed')}>
        <ExposedFiles probes={list<Probe>(d.exposedFiles)} />
      </Card>
      <Card title={t('result.findings')}>
        <Findings findings={result.findings} />
      </Card>
      <DetailsJson details={result.details} />
    </>
  );
}

function HeaderTests({ tests }: { tests: HeaderTest[] }) {
  const { t } = useTranslation('testView');
  if (tests.length === 0) return <p className="muted">{t('security.noTests')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('security.test')}</th>
            <th scope="col">{t('security.verdict')}</th>
            <th scope="col">{t('security.modifier')}</th>
            <th scope="col">{t('security.result')}</th>
          </tr>
        </thead>
        <tbody>
          {tests.map((test) => (
            <tr key={test.id}>
              <td>
                <code>{test.id}</code>
              </td>
              <td>
                <Chip
                  value={test.pass ? 'passed' : 'failed'}
                  label={t(test.pass ? 'security.pass' : 'security.fail')}
                />
              </td>
              <td>{signed(test.modifier)}</td>
              <td>
                {test.description}
                <small className="muted tv-block">{test.result}</small>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Certificate({ tls }: { tls: Tls }) {
  const { t } = useTranslation('testView');
  const rows: Array<[string, ReactNode]> = [
    [t('security.issuer'), `${tls.issuer}${tls.selfSigned ? ` (${t('security.selfSigned')})` : ''}`],
    [t('security.subject'), tls.subject],
    [t('security.expires'), tls.validTo.slice(0, 10)],
    [
      t('security.daysLeft'),
      <Chip
        key="days"
        value={tls.expired || tls.daysLeft < 14 ? 'failed' : tls.daysLeft < 30 ? 'medium' : 'passed'}
        label={tls.expired ? t('security.expired') : String(tls.daysLeft)}
      />,
    ],
    [t('security.protocol'), tls.protocol],
    [
      t('security.chain'),
      tls.authorized ? t('security.trusted') : (tls.authorizationError ?? t('security.untrusted')),
    ],
    [
      t('security.names'),
      `${tls.subjectAltNames.join(', ')} · ${t(tls.sanCoversHost ? 'security.coversHost' : 'security.notCoversHost')}`,
    ],
    [t('security.key'), `${tls.keyType.toUpperCase()} ${tls.keyBits}`],
    [t('security.ocsp'), t(tls.ocspStapled ? 'security.stapled' : 'security.notStapled')],
  ];
  return (
    <dl className="tv-metrics">
      {rows.map(([label, value]) => (
        <div key={label} className="tv-metric">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function ExposedFiles({ probes }: { probes: Probe[] }) {
  const { t } = useTranslation('testView');
  if (probes.length === 0) return <p className="muted">{t('security.notProbed')}</p>;
  const hits = probes.filter((p) => p.exposed);
  return (
    <>
      <p>
        {hits.length === 0 ? t('security.noExposed') : t('security.exposedCount', { count: hits.length })}
      </p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('security.path')}</th>
              <th scope="col">{t('security.status')}</th>
              <th scope="col">{t('security.verdict')}</th>
            </tr>
          </thead>
          <tbody>
            {probes.map((p) => (
              <tr key={p.path}>
                <td className="tv-url">{p.path}</td>
                <td>{p.status || p.error || '—'}</td>
                <td>
                  {p.exposed ? (
                    <Chip value="critical" label={`${t('security.exposedHit')}: ${p.what}`} />
                  ) : (
                    <span className="muted">{t('security.notExposed')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
