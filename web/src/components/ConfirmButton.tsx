import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A destructive action asked twice, in place: the first click shows the question (when given) with
 * "confirm" and "cancel" buttons — no browser dialog, so it is themed, translated and reachable by keyboard.
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  disabled,
  className = 'btn btn-small btn-danger',
}: {
  label: ReactNode;
  question?: ReactNode;
  confirmLabel: ReactNode;
  onConfirm: () => void;
  disabled?: boolean;
  className?: string;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" className={className} disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  return (
    <span className="row confirm-group" role="group">
      {question && <span>{question}</span>}
      <button
        type="button"
        className="btn btn-small btn-danger"
        disabled={disabled}
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className="btn btn-small" onClick={() => setAsking(false)}>
        {t('action.cancel')}
      </button>
    </span>
  );
}
