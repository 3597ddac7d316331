import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A destructive action asked twice: the first click shows the question with "confirm" and "cancel"
 * buttons in place (no browser dialog, so it is themed, translated and reachable by keyboard).
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  disabled,
}: {
  label: ReactNode;
  question: ReactNode;
  confirmLabel: ReactNode;
  onConfirm: () => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" className="btn btn-danger" disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  return (
    <div className="row admin-confirm" role="group">
      <span>{question}</span>
      <button
        type="button"
        className="btn btn-danger"
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className="btn" onClick={() => setAsking(false)}>
        {t('action.cancel')}
      </button>
    </div>
  );
}
