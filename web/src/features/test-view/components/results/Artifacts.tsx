import { useTranslation } from 'react-i18next';
import { formatMetric } from '../../../../lib/format';
import { useArtifacts, type ArtifactItem } from '../../api/artifacts';

const isImage = (a: ArtifactItem) => a.contentType.startsWith('image/');
/** The server sends these inline (a new tab shows them); the rest as downloads. */
const opensInTab = (a: ArtifactItem) => isImage(a) || a.contentType.startsWith('text/html');

function FileLink({ a }: { a: ArtifactItem }) {
  const { t } = useTranslation('testView');
  const type = a.contentType.split(';')[0];
  return (
    <li>
      <a
        className="btn"
        href={a.url}
        {...(opensInTab(a) ? { target: '_blank', rel: 'noreferrer' } : { download: a.name })}
      >
        {a.label ?? a.name}
      </a>{' '}
      <span className="muted">
        {t(opensInTab(a) ? 'artifacts.opens' : 'artifacts.downloads', {
          name: a.name,
          type,
          size: formatMetric(a.size, 'bytes'),
        })}
      </span>
    </li>
  );
}

/**
 * A result's files (GET /api/tests/:testId/artifacts): images as thumbnails opening full size in a new
 * tab, other files as links with their size and type. `exclude` hides those an engine's view already
 * shows its own way. Renders nothing when there are none.
 */
export function Artifacts({ testId, exclude }: { testId: string; exclude?: (a: ArtifactItem) => boolean }) {
  const { t } = useTranslation('testView');
  const { data } = useArtifacts(testId);
  const items = (data?.items ?? []).filter((a) => !exclude?.(a));
  if (items.length === 0) return null;
  const images = items.filter(isImage);
  const files = items.filter((a) => !isImage(a));
  return (
    <section className="tv-artifacts" aria-label={t('artifacts.title')}>
      <h3>{t('artifacts.title')}</h3>
      {images.length > 0 && (
        <ul className="tv-artifact-images">
          {images.map((a) => (
            <li key={a.name}>
              <a href={a.url} target="_blank" rel="noreferrer" title={t('artifacts.fullSize')}>
                <img src={a.url} alt={a.label ?? a.name} loading="lazy" />
              </a>
              <span className="muted">
                {a.label ?? a.name} · {formatMetric(a.size, 'bytes')}
              </span>
            </li>
          ))}
        </ul>
      )}
      {files.length > 0 && (
        <ul className="tv-artifact-files">
          {files.map((a) => (
            <FileLink key={a.name} a={a} />
          ))}
        </ul>
      )}
    </section>
  );
}
