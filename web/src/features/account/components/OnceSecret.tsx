import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyButton } from '../../../components/ui';

/** Downloads `text` as a small text file (backup codes). */
function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A secret shown this once (a new API token, backup codes): a warning, copy, optional download, done. */
export function OnceSecret({
  title,
  children,
  text,
  fileName,
  onDone,
}: {
  title: string;
  children: ReactNode;
  text: string;
  fileName?: string;
  onDone: () => void;
}) {
  const { t } = useTranslation('account');
  const ref = useRef<HTMLDivElement>(null);
  // Brought into view and focused when it appears, so nobody misses the one chance to copy it.
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <div ref={ref} tabIndex={-1} className="secret-once" role="region" aria-label={title}>
      <p>
        <strong>{title}</strong> {t('once.warning')}
      </p>
      {children}
      <div className="row">
        <CopyButton text={text} />
        {fileName && (
          <button type="button" className="btn btn-small" onClick={() => download(fileName, text)}>
            {t('once.download')}
          </button>
        )}
        <button type="button" className="btn btn-small btn-primary" onClick={onDone}>
          {t('once.done')}
        </button>
      </div>
    </div>
  );
}
