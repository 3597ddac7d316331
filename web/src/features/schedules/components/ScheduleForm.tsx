import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Card, Field, FormError, Select } from '../../../components/ui';
import { Loading, ErrorState } from '../../../components/states';
import { isApiError } from '../../../lib/api/problem';
import { paths } from '../../../lib/paths';
import { useEngines } from '../../../lib/api/engines';
import { useSaveSchedule, type Schedule, type ScheduleInput } from '../api/schedules';
import { optionDefaults } from '../lib/option-defaults';
import { TimingPreview } from './TimingPreview';

const pretty = (v: unknown) => JSON.stringify(v, null, 2);

/** Create or edit a schedule: the test (URL, type, options as JSON) and its timing with a live preview. */
export function ScheduleForm({ schedule }: { schedule?: Schedule }) {
  const { t } = useTranslation('schedules');
  const engines = useEngines();
  const save = useSaveSchedule(schedule?.id);
  const navigate = useNavigate();
  const optionsId = useId();

  const [name, setName] = useState(schedule?.name ?? '');
  const [url, setUrl] = useState(schedule?.url ?? '');
  const [chosenType, setType] = useState(schedule?.type ?? '');
  const [optionsText, setOptions] = useState(schedule ? pretty(schedule.options) : '');
  const [optionsTouched, setOptionsTouched] = useState(!!schedule);
  const [mode, setMode] = useState<'cron' | 'interval'>(schedule?.cron ? 'cron' : 'interval');
  const [interval, setInterval] = useState(schedule?.interval ?? '1h');
  const [cron, setCron] = useState(schedule?.cron ?? '');
  const [timezone, setTimezone] = useState(schedule?.timezone ?? '');
  const [tags, setTags] = useState((schedule?.tags ?? []).join(', '));
  const [priority, setPriority] = useState(String(schedule?.priority ?? 0));
  const [paused, setPaused] = useState(schedule ? !schedule.enabled : false);
  const [local, setLocal] = useState<Record<string, string>>({});

  const list = engines.data ?? [];
  // A new schedule starts on the first available engine, its options on the engine's defaults until edited.
  const type = chosenType || (list.find((e) => e.available) ?? list[0])?.name || '';
  const engine = list.find((e) => e.name === type);
  const options = optionsTouched ? optionsText : pretty(optionDefaults(engine?.options));

  if (engines.isPending) return <Loading />;
  if (engines.error) return <ErrorState error={engines.error} retry={() => void engines.refetch()} />;

  const server = isApiError(save.error, 400) ? save.error.fieldErrors('/body/') : {};
  const serverOptions = Object.entries(server)
    .filter(([k]) => k === 'options' || k.startsWith('options/'))
    .map(([k, m]) => `${k.replace(/^options\/?/, '') || 'options'}: ${m}`)
    .join('; ');
  const err = (k: string) => local[k] ?? server[k];

  function submit(e: FormEvent) {
    e.preventDefault();
    const errors: Record<string, string> = {};
    let parsed: Record<string, unknown> = {};
    try {
      const v: unknown = options.trim() ? JSON.parse(options) : {};
      if (!v || typeof v !== 'object' || Array.isArray(v)) errors.options = t('form.optionsNotObject');
      else parsed = v as Record<string, unknown>;
    } catch (x) {
      errors.options = t('form.optionsInvalid', { message: (x as Error).message });
    }
    setLocal(errors);
    if (Object.keys(errors).length) return;
    const body: ScheduleInput = {
      name: name.trim(),
      url: url.trim(),
      type,
      options: parsed,
      priority: Number(priority) || 0,
      enabled: !paused,
      tags: tags
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      ...(mode === 'cron'
        ? { cron: cron.trim(), ...(timezone.trim() ? { timezone: timezone.trim() } : {}) }
        : { interval: interval.trim() }),
    };
    save.mutate(body, { onSuccess: (s) => void navigate(paths.schedule(s.id)) });
  }

  const optionsError = local.options ?? (serverOptions || undefined);
  return (
    <form onSubmit={submit} noValidate className="sched-form">
      <FormError error={save.error} />
      <Card title={t('form.definition')}>
        <Field
          label={t('form.name')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={100}
          error={err('name')}
        />
        <Field
          label={t('form.url')}
          type="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          required
          placeholder="https://example.com/"
          error={err('url')}
        />
        <Select
          label={t('form.type')}
          value={type}
          onChange={(e) => {
            setType(e.target.value);
            setOptionsTouched(false);
          }}
          error={err('type')}
          options={list.map((en) => ({
            value: en.name,
            label: en.available ? en.name : t('form.unavailable', { name: en.name }),
          }))}
        />
        {engine && <p className="muted">{engine.unavailableReason ?? engine.description}</p>}
        <div className={`field${optionsError ? ' field-invalid' : ''}`}>
          <label htmlFor={optionsId}>{t('form.options')}</label>
          <textarea
            id={optionsId}
            rows={10}
            spellCheck={false}
            className="sched-json"
            value={options}
            onChange={(e) => {
              setOptions(e.target.value);
              setOptionsTouched(true);
            }}
            aria-invalid={optionsError ? true : undefined}
            aria-describedby={`${optionsId}-hint${optionsError ? ` ${optionsId}-error` : ''}`}
          />
          <small id={`${optionsId}-hint`} className="muted">
            {t('form.optionsHint')}{' '}
            <button type="button" className="btn-link" onClick={() => setOptionsTouched(false)}>
              {t('form.resetOptions')}
            </button>
          </small>
          {optionsError && (
            <small id={`${optionsId}-error`} className="field-error" role="alert">
              {optionsError}
            </small>
          )}
        </div>
      </Card>
      <Card title={t('form.timing')}>
        <fieldset className="sched-mode">
          <legend>{t('form.mode')}</legend>
          <label>
            <input
              type="radio"
              name="mode"
              checked={mode === 'interval'}
              onChange={() => setMode('interval')}
            />{' '}
            {t('form.modeInterval')}
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'cron'} onChange={() => setMode('cron')} />{' '}
            {t('form.modeCron')}
          </label>
        </fieldset>
        <div className="sched-timing">
          <div>
            {mode === 'interval' ? (
              <Field
                label={t('form.interval')}
                value={interval}
                onChange={(e) => setInterval(e.target.value)}
                hint={t('form.intervalHint')}
                error={err('interval')}
              />
            ) : (
              <>
                <Field
                  label={t('form.cron')}
                  value={cron}
                  onChange={(e) => setCron(e.target.value)}
                  placeholder="0 9 * * 1-5"
                  hint={t('form.cronHint')}
                  error={err('cron')}
                  className="mono"
                />
                <Field
                  label={t('form.timezone')}
                  value={timezone}
                  onChange={(e) => setTimezone(e.target.value)}
                  placeholder="UTC"
                  hint={t('form.timezoneHint')}
                  error={err('timezone')}
                />
              </>
            )}
          </div>
          <TimingPreview mode={mode} cron={cron} interval={interval} timezone={timezone} />
        </div>
        <Field
          label={t('form.tags')}
          value={tags}
          onChange={(e) => setTags(e.target.value)}
          hint={t('form.tagsHint')}
          error={Object.entries(server).find(([k]) => k.startsWith('tags'))?.[1]}
        />
        <Field
          label={t('form.priority')}
          type="number"
          min={0}
          max={10}
          value={priority}
          onChange={(e) => setPriority(e.target.value)}
          error={err('priority')}
        />
        <label className="sched-check">
          <input type="checkbox" checked={paused} onChange={(e) => setPaused(e.target.checked)} />{' '}
          {t('form.startPaused')}
        </label>
      </Card>
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {save.isPending ? t('form.saving') : t('form.save')}
        </button>
      </div>
    </form>
  );
}
