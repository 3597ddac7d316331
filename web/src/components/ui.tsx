import { useId, useState, type ReactNode, type InputHTMLAttributes, type SelectHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';

/** A page: its heading, optional actions beside it, and its content. */
export function Page({
  title,
  actions,
  children,
}: {
  title: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="page">
      <header className="page-header">
        <h1>{title}</h1>
        {actions && <div className="page-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

export function Card({
  title,
  children,
  actions,
}: {
  title?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section className="card">
      {(title || actions) && (
        <header className="card-header">
          {title && <h2>{title}</h2>}
          {actions}
        </header>
      )}
      {children}
    </section>
  );
}

type FieldProps = {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
} & InputHTMLAttributes<HTMLInputElement>;

/** A labelled input with its hint and the server's or the form's error below it (aria-invalid, aria-describedby). */
export function Field({ label, error, hint, id, ...input }: FieldProps) {
  const auto = useId();
  const fid = id ?? auto;
  const described = [hint ? `${fid}-hint` : '', error ? `${fid}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={fid}>{label}</label>
      <input
        id={fid}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        {...input}
      />
      {hint && (
        <small id={`${fid}-hint`} className="muted">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${fid}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

type SelectProps = {
  label: ReactNode;
  error?: string;
  options: Array<{ value: string; label: ReactNode }>;
} & SelectHTMLAttributes<HTMLSelectElement>;

export function Select({ label, error, options, id, ...select }: SelectProps) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={fid}>{label}</label>
      <select id={fid} aria-invalid={error ? true : undefined} {...select}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error && (
        <small className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

/** A problem shown above a form (the API's detail), announced to screen readers. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="form-error" role="alert">
      {error instanceof Error ? error.message : String(error)}
    </p>
  );
}

const STATUS_TONE: Record<string, string> = {
  queued: 'info',
  waiting: 'info',
  running: 'accent',
  active: 'accent',
  completed: 'ok',
  passed: 'ok',
  ok: 'ok',
  resolved: 'ok',
  failed: 'bad',
  firing: 'bad',
  critical: 'bad',
  high: 'bad',
  cancelled: 'muted',
  paused: 'muted',
  medium: 'warn',
  pending: 'warn',
  low: 'info',
  info: 'muted',
  up: 'ok',
  sent: 'ok',
  degraded: 'warn',
  down: 'bad',
  disabled: 'bad',
  sending: 'accent',
  stopped: 'muted',
  admin: 'accent',
  user: 'muted',
};

/** A status or severity as a coloured chip with its (translated) label. */
export function Chip({ value, label }: { value: string; label?: ReactNode }) {
  return <span className={`chip chip-${STATUS_TONE[value] ?? 'muted'}`}>{label ?? value}</span>;
}

/** Copies `text` to the clipboard, saying so for two seconds. */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useTranslation();
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="btn btn-small"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 2000);
        });
      }}
    >
      {done ? t('action.copied') : (label ?? t('action.copy'))}
    </button>
  );
}
