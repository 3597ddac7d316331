import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { Card, Field, Page } from '../../../components/ui';
import { Empty, QueryView } from '../../../components/states';
import { isApiError } from '../../../lib/api/problem';
import type { Engine } from '../../../lib/api/types';
import { paths } from '../../../lib/paths';
import { useCreateTest } from '../api/tests';
import { useEngines } from '../../../lib/api/engines';
import { SchemaForm, type FieldErrors } from '../components/SchemaForm';
import { PRESETS, type Preset } from '../lib/presets';
import { compact, initialValue, pickKnown, type JsonSchema } from '../lib/schema';
import '../tests.css';

export default function NewTestPage() {
  const { t } = useTranslation('tests');
  const engines = useEngines();
  return (
    <Page title={t('new.title')}>
      <QueryView query={engines}>
        {(data) =>
          data.length === 0 ? <Empty title={t('new.noEngines')} /> : <NewTestForm engines={data} />
        }
      </QueryView>
    </Page>
  );
}

const optionsOf = (engine: Engine | undefined): Record<string, unknown> =>
  (initialValue((engine?.options ?? {}) as JsonSchema) as Record<string, unknown> | undefined) ?? {};

function NewTestForm({ engines }: { engines: Engine[] }) {
  const { t } = useTranslation('tests');
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const create = useCreateTest();
  const typeId = useId();

  const firstAvailable = engines.find((e) => e.available) ?? engines[0]!;
  const wanted = engines.find((e) => e.name === params.get('type'));
  const [type, setType] = useState(wanted?.name ?? firstAvailable.name);
  const engine = engines.find((e) => e.name === type);
  const [url, setUrl] = useState(params.get('url') ?? '');
  const [priority, setPriority] = useState('0');
  const [tags, setTags] = useState('');
  const [options, setOptions] = useState<Record<string, unknown>>(() => optionsOf(engine));
  // Remounts the generated fields (their JSON texts) when a preset or another engine replaces the options.
  const [formKey, setFormKey] = useState(0);
  const [preset, setPreset] = useState<string | null>(null);
  const invalidJson = useRef(new Set<string>());
  const [clientError, setClientError] = useState<string | null>(null);

  const presets = useMemo(
    () => PRESETS.filter((p) => engines.some((e) => e.name === p.engine && e.available)),
    [engines],
  );

  const error = create.error;
  const bodyErrors: FieldErrors = isApiError(error, 400) ? error.fieldErrors('/body/') : {};
  const optionErrors: FieldErrors = isApiError(error, 400) ? error.fieldErrors('/body/options/') : {};
  const tagsError = Object.entries(bodyErrors).find(([k]) => k === 'tags' || k.startsWith('tags/'))?.[1];

  const chooseEngine = (name: string) => {
    setType(name);
    setOptions(optionsOf(engines.find((e) => e.name === name)));
    setPreset(null);
    invalidJson.current.clear();
    setFormKey((k) => k + 1);
    create.reset();
  };

  const applyPreset = (p: Preset) => {
    const target = engines.find((e) => e.name === p.engine);
    if (!target) return;
    setType(p.engine);
    setOptions({
      ...optionsOf(target),
      ...pickKnown(target.options as JsonSchema, structuredClone(p.options)),
    });
    setPreset(p.id);
    invalidJson.current.clear();
    setFormKey((k) => k + 1);
    create.reset();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (invalidJson.current.size > 0) {
      setClientError(t('form.fixJson'));
      return;
    }
    setClientError(null);
    const tagList = tags
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    create.mutate(
      {
        type,
        url: url.trim(),
        options: compact(options) as Record<string, unknown>,
        priority: priority === '' ? undefined : Number(priority),
        ...(tagList.length ? { tags: tagList } : {}),
      },
      { onSuccess: (r) => void navigate(paths.test(r.testId)) },
    );
  };

  return (
    <form className="new-test" onSubmit={submit} noValidate aria-describedby="new-test-problem">
      <div id="new-test-problem">
        {clientError && (
          <p className="form-error" role="alert">
            {clientError}
          </p>
        )}
        {error && <Problem error={error} />}
      </div>

      {presets.length > 0 && (
        <Card title={t('new.presets')}>
          <div className="row presets" role="group" aria-label={t('new.presets')}>
            {presets.map((p) => (
              <button
                key={p.id}
                type="button"
                className={`btn btn-small${preset === p.id ? ' btn-primary' : ''}`}
                aria-pressed={preset === p.id}
                onClick={() => applyPreset(p)}
              >
                {t(p.label)}
              </button>
            ))}
          </div>
        </Card>
      )}

      <Card title={t('new.target')}>
        <Field
          label={t('new.url')}
          type="url"
          inputMode="url"
          autoComplete="url"
          placeholder="https://example.com/"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          error={bodyErrors.url}
          hint={t('new.urlHint')}
          required
        />
        <fieldset
          className={`engine-picker${bodyErrors.type ? ' field-invalid' : ''}`}
          aria-describedby={bodyErrors.type ? `${typeId}-err` : undefined}
        >
          <legend>{t('new.type')}</legend>
          {engines.map((e) => (
            <label key={e.name} className={`engine-option${e.available ? '' : ' unavailable'}`}>
              <input
                type="radio"
                name="type"
                value={e.name}
                checked={type === e.name}
                disabled={!e.available}
                onChange={() => chooseEngine(e.name)}
              />
              <span>
                <strong>{e.name}</strong>
                <span className="muted"> — {e.description}</span>
                {!e.available && (
                  <span className="engine-reason">
                    {t('new.unavailable')}: {e.unavailableReason}
                  </span>
                )}
              </span>
            </label>
          ))}
          {bodyErrors.type && (
            <small id={`${typeId}-err`} className="field-error" role="alert">
              {bodyErrors.type}
            </small>
          )}
        </fieldset>
      </Card>

      {engine && (
        <Card title={t('new.options', { engine: engine.name })}>
          {bodyErrors.options && (
            <p className="field-error" role="alert">
              {bodyErrors.options}
            </p>
          )}
          <div className="schema-form">
            <SchemaForm
              key={`${type}-${formKey}`}
              schema={engine.options as JsonSchema}
              value={options}
              onChange={setOptions}
              errors={optionErrors}
              setJsonValid={(path, ok) => {
                if (ok) invalidJson.current.delete(path);
                else invalidJson.current.add(path);
              }}
            />
          </div>
        </Card>
      )}

      <Card title={t('new.more')}>
        <div className="grid">
          <Field
            label={t('new.priority')}
            type="number"
            min={0}
            max={10}
            step={1}
            value={priority}
            onChange={(e) => setPriority(e.target.value)}
            error={bodyErrors.priority}
            hint={t('new.priorityHint')}
          />
          <Field
            label={t('new.tags')}
            value={tags}
            onChange={(e) => setTags(e.target.value)}
            error={tagsError}
            hint={t('new.tagsHint')}
          />
        </div>
      </Card>

      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={create.isPending || !engine?.available}>
          {create.isPending ? t('new.submitting') : t('new.submit')}
        </button>
      </div>
    </form>
  );
}

/** The problem above the form: its detail, with its own words for a quota or active-test limit (429). */
function Problem({ error }: { error: Error }) {
  const { t } = useTranslation('tests');
  if (isApiError(error, 429))
    return (
      <div className="form-error" role="alert">
        <strong>{t('new.limitTitle')}</strong> <span>{error.problem.detail ?? error.message}</span>
        <div className="muted">{t('new.limitHint')}</div>
      </div>
    );
  if (isApiError(error, 400))
    return (
      <p className="form-error" role="alert">
        {t('new.invalid')} {error.problem.detail}
      </p>
    );
  return (
    <p className="form-error" role="alert">
      {error.message}
    </p>
  );
}
