import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldKind, humanize, newItem, type JsonSchema } from '../lib/schema';

/** Field errors keyed by their JSON pointer below the options (`vus`, `stages/0/target`). */
export type FieldErrors = Record<string, string>;

interface Ctx {
  errors: FieldErrors;
  /** A JSON field says whether its text parses (the form is not sent while one does not). */
  setJsonValid(path: string, ok: boolean): void;
}

/**
 * Renders an engine's options JSON Schema as inputs: text, numbers with their bounds, checkboxes, selects
 * for unions of literals, lists with add/remove, nested fieldsets; what it cannot render as a JSON text area.
 */
export function SchemaForm({
  schema,
  value,
  onChange,
  errors,
  setJsonValid,
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange(v: Record<string, unknown>): void;
  errors: FieldErrors;
  setJsonValid(path: string, ok: boolean): void;
}) {
  return (
    <ObjectFields schema={schema} value={value} onChange={onChange} path="" ctx={{ errors, setJsonValid }} />
  );
}

function ObjectFields({
  schema,
  value,
  onChange,
  path,
  ctx,
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange(v: Record<string, unknown>): void;
  path: string;
  ctx: Ctx;
}) {
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([name, child]) => (
        <SchemaField
          key={name}
          name={name}
          schema={child}
          required={schema.required?.includes(name) ?? false}
          value={value[name]}
          onChange={(v) => onChange({ ...value, [name]: v })}
          path={path ? `${path}/${name}` : name}
          ctx={ctx}
        />
      ))}
    </>
  );
}

function useLabel(name: string): string {
  const { t } = useTranslation('tests');
  return t(`field.${name}`, { defaultValue: humanize(name) });
}

/** The error of this path, or of anything below it (a 400 on `stages/0/target` shows under its input). */
function errorAt(errors: FieldErrors, path: string): string | undefined {
  return errors[path];
}

function Frame({
  id,
  label,
  hint,
  error,
  children,
  inline,
}: {
  id: string;
  label: ReactNode;
  hint?: string;
  error?: string;
  children: ReactNode;
  inline?: boolean;
}) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}${inline ? ' field-inline' : ''}`}>
      {!inline && <label htmlFor={id}>{label}</label>}
      {children}
      {inline && <label htmlFor={id}>{label}</label>}
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

const describedBy = (id: string, hint?: string, error?: string) =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

function SchemaField({
  name,
  schema,
  required,
  value,
  onChange,
  path,
  ctx,
  label: givenLabel,
}: {
  name: string;
  schema: JsonSchema;
  required: boolean;
  value: unknown;
  onChange(v: unknown): void;
  path: string;
  ctx: Ctx;
  label?: string;
}) {
  const { t } = useTranslation('tests');
  const id = useId();
  const nameLabel = useLabel(name);
  const label = givenLabel ?? nameLabel;
  const kind = fieldKind(schema);
  const error = errorAt(ctx.errors, path);
  const hint = schema.description;
  const aria = {
    id,
    name: path,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy(id, hint, error),
  };

  switch (kind.kind) {
    case 'enum': {
      const current = value === undefined ? '' : JSON.stringify(value);
      return (
        <Frame id={id} label={label} hint={hint} error={error}>
          <select
            {...aria}
            value={current}
            onChange={(e) => onChange(e.target.value === '' ? undefined : JSON.parse(e.target.value))}
          >
            {(!required || value === undefined) && <option value="">{t('form.unset')}</option>}
            {kind.values.map((v) => (
              <option key={String(v)} value={JSON.stringify(v)}>
                {String(v)}
              </option>
            ))}
          </select>
        </Frame>
      );
    }
    case 'boolean':
      return (
        <Frame id={id} label={label} hint={hint} error={error} inline>
          <input
            {...aria}
            type="checkbox"
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
          />
        </Frame>
      );
    case 'number':
      return (
        <Frame id={id} label={label} hint={hint} error={error}>
          <input
            {...aria}
            type="number"
            inputMode={kind.integer ? 'numeric' : 'decimal'}
            step={kind.integer ? 1 : 'any'}
            min={schema.minimum}
            max={schema.maximum}
            required={required}
            value={typeof value === 'number' ? value : ''}
            onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
          />
        </Frame>
      );
    case 'number-or-string':
      return (
        <Frame id={id} label={label} hint={hint} error={error}>
          <input
            {...aria}
            type="text"
            value={value === undefined ? '' : String(value)}
            onChange={(e) => {
              const v = e.target.value.trim();
              onChange(v === '' ? undefined : /^\d+(\.\d+)?$/.test(v) ? Number(v) : v);
            }}
          />
        </Frame>
      );
    case 'string':
      return (
        <Frame id={id} label={label} hint={hint} error={error}>
          <input
            {...aria}
            type="text"
            maxLength={schema.maxLength}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => onChange(e.target.value === '' && !required ? undefined : e.target.value)}
          />
        </Frame>
      );
    case 'object':
      return (
        <fieldset className="schema-fieldset">
          <legend>{label}</legend>
          {hint && <p className="muted">{hint}</p>}
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          <ObjectFields
            schema={schema}
            value={(value as Record<string, unknown>) ?? {}}
            onChange={onChange}
            path={path}
            ctx={ctx}
          />
        </fieldset>
      );
    case 'list':
    case 'object-list': {
      const items = Array.isArray(value) ? value : [];
      const set = (next: unknown[]) => onChange(next);
      return (
        <fieldset className="schema-fieldset">
          <legend>{label}</legend>
          {hint && <p className="muted">{hint}</p>}
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          {items.length === 0 && <p className="muted">{t('form.noItems')}</p>}
          {items.map((item, i) => (
            <div key={i} className="schema-item">
              {kind.kind === 'object-list' ? (
                <fieldset className="schema-fieldset">
                  <legend>{t('form.item', { label, n: i + 1 })}</legend>
                  <ObjectFields
                    schema={kind.item}
                    value={(item as Record<string, unknown>) ?? {}}
                    onChange={(v) => set(items.map((x, j) => (j === i ? v : x)))}
                    path={`${path}/${i}`}
                    ctx={ctx}
                  />
                </fieldset>
              ) : (
                <SchemaField
                  name={name}
                  label={t('form.item', { label, n: i + 1 })}
                  schema={kind.item}
                  required
                  value={item}
                  onChange={(v) => set(items.map((x, j) => (j === i ? v : x)))}
                  path={`${path}/${i}`}
                  ctx={ctx}
                />
              )}
              <button
                type="button"
                className="btn btn-small"
                onClick={() => set(items.filter((_, j) => j !== i))}
              >
                {t('form.remove', { item: t('form.item', { label, n: i + 1 }) })}
              </button>
            </div>
          ))}
          {(schema.maxItems === undefined || items.length < schema.maxItems) && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => set([...items, newItem(kind.item)])}
            >
              {t('form.add', { label })}
            </button>
          )}
        </fieldset>
      );
    }
    case 'json':
      return (
        <JsonField
          id={id}
          label={label}
          hint={hint}
          error={error}
          schema={schema}
          value={value}
          onChange={onChange}
          path={path}
          ctx={ctx}
        />
      );
  }
}

/** Whether a union accepts plain text (a request body): text that is not JSON is then sent as a string. */
const acceptsText = (s: JsonSchema) =>
  s.type === 'string' || (s.anyOf ?? []).some((o) => o.type === 'string');

function JsonField({
  id,
  label,
  hint,
  error,
  schema,
  value,
  onChange,
  path,
  ctx,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  schema: JsonSchema;
  value: unknown;
  onChange(v: unknown): void;
  path: string;
  ctx: Ctx;
}) {
  const { t } = useTranslation('tests');
  const text = acceptsText(schema);
  const [raw, setRaw] = useState(() =>
    value === undefined ? '' : typeof value === 'string' && text ? value : JSON.stringify(value, null, 2),
  );
  const [invalid, setInvalid] = useState(false);
  const shownError = invalid ? t('form.invalidJson') : error;
  const fullHint = [hint, text ? t('form.jsonOrText') : t('form.json')].filter(Boolean).join(' ');
  return (
    <Frame id={id} label={label} hint={fullHint} error={shownError}>
      <textarea
        id={id}
        name={path}
        rows={3}
        spellCheck={false}
        className="mono"
        aria-invalid={shownError ? true : undefined}
        aria-describedby={describedBy(id, fullHint, shownError)}
        value={raw}
        onChange={(e) => {
          const next = e.target.value;
          setRaw(next);
          if (next.trim() === '') {
            setInvalid(false);
            ctx.setJsonValid(path, true);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(next));
            setInvalid(false);
            ctx.setJsonValid(path, true);
          } catch {
            if (text) {
              onChange(next);
              setInvalid(false);
              ctx.setJsonValid(path, true);
            } else {
              setInvalid(true);
              ctx.setJsonValid(path, false);
            }
          }
        }}
      />
    </Frame>
  );
}
