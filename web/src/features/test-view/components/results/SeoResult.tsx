import { useTranslation } from 'react-i18next';
import { Card, Chip } from '../../../../components/ui';
import { DetailsJson, Findings, MetricsGrid, Verdict } from './parts';
import type { ResultProps } from './types';
import { list, object } from './details';

interface PageRow {
  url: string;
  status: number | null;
  depth: number;
  error?: string;
  checks?: Record<string, boolean>;
}
interface BrokenLink {
  url: string;
  status: number | null;
  error?: string;
  linkedFrom: string[];
}
interface Duplicate {
  value: string;
  pages: string[];
}
interface Robots {
  url: string;
  status: number | null;
  found: boolean;
  pageAllowedForAll: boolean;
  pageAllowedForGooglebot: boolean;
  sitemaps: string[];
}
interface Sitemap {
  source: string;
  files: Array<{ url: string; kind: string; entries: number; error?: string }>;
  truncated: boolean;
}
interface Crawl {
  pagesCrawled: number;
  truncated: boolean;
  linkChecks: number;
  linkChecksSkipped: number;
  blockedByRobots: string[];
  requestsMade: number;
}

const COUNTS = [
  'pages_crawled',
  'links_checked',
  'broken_links',
  'redirected_links',
  'missing_alt',
  'links_without_text',
  'duplicate_titles',
  'duplicate_descriptions',
  'noindex_pages',
  'structured_data_errors',
  'sitemap_urls',
  'orphan_sitemap_urls',
  'requests_made',
];

/** The seo engine: score and counts, each crawled page's checks, broken links, duplicates, robots and sitemaps. */
export function SeoResult({ result, engine }: ResultProps) {
  const { t } = useTranslation('testView');
  const d = result.details;
  return (
    <>
      <Card title={t('result.title')}>
        <Verdict result={result} />
        <MetricsGrid result={result} engine={engine} only={COUNTS} />
      </Card>
      <Card title={t('seo.pages')}>
        <PageChecks pages={list<PageRow>(d.pages)} />
      </Card>
      <Card title={t('seo.brokenLinks')}>
        <BrokenLinks links={list<BrokenLink>(d.brokenLinks)} />
      </Card>
      <Card title={t('seo.duplicates')}>
        <Duplicates label={t('seo.duplicateTitles')} groups={list<Duplicate>(d.duplicateTitles)} />
        <Duplicates
          label={t('seo.duplicateDescriptions')}
          groups={list<Duplicate>(d.duplicateDescriptions)}
        />
      </Card>
      <Card title={t('seo.site')}>
        <SiteSummary
          robots={object<Robots>(d.robots)}
          sitemap={object<Sitemap>(d.sitemap)}
          crawl={object<Crawl>(d.crawl)}
          orphans={Array.isArray(d.orphanSitemapUrls) ? (d.orphanSitemapUrls as string[]) : null}
        />
      </Card>
      <Card title={t('result.findings')}>
        <Findings findings={result.findings} />
      </Card>
      <DetailsJson details={result.details} />
    </>
  );
}

function PageChecks({ pages }: { pages: PageRow[] }) {
  const { t } = useTranslation('testView');
  if (pages.length === 0) return <p className="muted">{t('seo.noPages')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('seo.page')}</th>
            <th scope="col">{t('seo.status')}</th>
            <th scope="col">{t('seo.passed')}</th>
            <th scope="col">{t('seo.failedChecks')}</th>
          </tr>
        </thead>
        <tbody>
          {pages.map((p) => {
            const checks = Object.entries(p.checks ?? {});
            const failed = checks.filter(([, ok]) => !ok).map(([id]) => id);
            return (
              <tr key={p.url}>
                <td className="tv-url">{p.url}</td>
                <td>{p.status ?? p.error ?? '—'}</td>
                <td>{checks.length ? `${checks.length - failed.length} / ${checks.length}` : '—'}</td>
                <td>
                  {checks.length === 0 ? (
                    <span className="muted">{t('seo.notChecked')}</span>
                  ) : failed.length === 0 ? (
                    <Chip value="passed" label={t('seo.allPassed')} />
                  ) : (
                    failed.map((id) => (
                      <Chip key={id} value="failed" label={t(`seo.check.${id}`, { defaultValue: id })} />
                    ))
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function BrokenLinks({ links }: { links: BrokenLink[] }) {
  const { t } = useTranslation('testView');
  if (links.length === 0) return <p className="muted">{t('seo.noBrokenLinks')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('seo.link')}</th>
            <th scope="col">{t('seo.outcome')}</th>
            <th scope="col">{t('seo.linkedFrom')}</th>
          </tr>
        </thead>
        <tbody>
          {links.map((l) => (
            <tr key={l.url}>
              <td className="tv-url">{l.url}</td>
              <td>{l.error ?? l.status}</td>
              <td>
                <ul className="tv-findings-list">
                  {l.linkedFrom.map((from) => (
                    <li key={from} className="tv-url">
                      {from}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Duplicates({ label, groups }: { label: string; groups: Duplicate[] }) {
  const { t } = useTranslation('testView');
  return (
    <>
      <h3>{label}</h3>
      {groups.length === 0 ? (
        <p className="muted">{t('seo.noDuplicates')}</p>
      ) : (
        <ul className="tv-findings-list">
          {groups.map((g) => (
            <li key={g.value}>
              <strong>{g.value}</strong>: <span className="tv-url">{g.pages.join(', ')}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

const yesNo = (ok: boolean) => <Chip value={ok ? 'passed' : 'failed'} label={ok ? '✓' : '✗'} />;

function SiteSummary(p: { robots?: Robots; sitemap?: Sitemap; crawl?: Crawl; orphans: string[] | null }) {
  const { t } = useTranslation('testView');
  const { robots, sitemap, crawl } = p;
  return (
    <>
      <h3>{t('seo.robots')}</h3>
      {robots && (
        <ul className="tv-findings-list">
          <li>
            <span className="tv-url">{robots.url}</span>: {robots.found ? t('seo.found') : t('seo.notFound')}
            {robots.status !== null && ` (HTTP ${robots.status})`}
          </li>
          <li>
            {t('seo.allowedAll')} {yesNo(robots.pageAllowedForAll)} {t('seo.allowedGooglebot')}{' '}
            {yesNo(robots.pageAllowedForGooglebot)}
          </li>
        </ul>
      )}
      <h3>{t('seo.sitemaps')}</h3>
      {sitemap && (
        <ul className="tv-findings-list">
          {sitemap.files.map((f) => (
            <li key={f.url}>
              <span className="tv-url">{f.url}</span>:{' '}
              {f.error ?? t('seo.entries', { kind: f.kind, count: f.entries })}
            </li>
          ))}
        </ul>
      )}
      <p>{p.orphans === null ? t('seo.orphansUnknown') : t('seo.orphans', { count: p.orphans.length })}</p>
      {p.orphans && p.orphans.length > 0 && <p className="tv-url">{p.orphans.join(', ')}</p>}
      <h3>{t('seo.crawl')}</h3>
      {crawl && (
        <p>
          {t('seo.crawlSummary', {
            pages: crawl.pagesCrawled,
            checks: crawl.linkChecks,
            requests: crawl.requestsMade,
          })}{' '}
          {crawl.truncated ? t('seo.truncated') : t('seo.complete')}
          {crawl.blockedByRobots.length > 0 &&
            ` ${t('seo.blocked', { count: crawl.blockedByRobots.length })}`}
        </p>
      )}
    </>
  );
}
