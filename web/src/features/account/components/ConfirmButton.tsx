import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A destructive button that asks once more in place (no modal): the first click arms it, the second acts. */
export function ConfirmButton({
  label,
  confirmLabel,
  onConfirm,
  disabled,
  className = 'btn btn-small btn-danger',
}: {
  label: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
  className?: string;
}) {
  const { t } = useTranslation();
  const [armed, setArmed] = useState(false);
  if (!armed)
    return (
      <button type="button" className={className} disabled={disabled} onClick={() => setArmed(true)}>
        {label}
      </button>
    );
  return (
    <span className="row" style={{ gap: '0.35rem' }}>
      <button
        type="button"
        className="btn btn-small btn-danger"
        disabled={disabled}
        onClick={() => {
          setArmed(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className="btn btn-small" onClick={() => setArmed(false)}>
        {t('action.cancel')}
      </button>
    </span>
  );
}
