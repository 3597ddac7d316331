import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Card, Field, FormError, Select } from '../../../components/ui';
import { isApiError } from '../../../lib/api/problem';
import type { Engine } from '../../../lib/api/types';
import { useSaveRule, useScheduleChoices, type Rule, type RuleInput } from '../api/alerts';

const CONDITIONS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq', 'absent'] as const;
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
const CHANNELS = ['email', 'webhook', 'in_app'] as const;
const DERIVED = ['_baseline', '_delta_pct', '_zscore'];
const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
/** An ISO time as the value of a datetime-local input (the reader's time zone). */
function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** The metrics a rule may watch for a test type (every engine's when none), with units and descriptions. */
function metricChoices(engines: Engine[], testType: string) {
  const out = new Map<string, { unit: string; description: string }>();
  for (const e of engines) {
    if (testType && e.name !== testType) continue;
    for (const m of e.metrics) {
      out.set(m.name, { unit: m.unit, description: m.description });
      for (const s of DERIVED)
        out.set(`${m.name}${s}`, {
          unit: s === '_baseline' ? m.unit : '',
          description: `${m.name} ${s.slice(1)}`,
        });
    }
  }
  out.set('passed', { unit: '', description: '1 when the test passed, 0 when it did not' });
  out.set('duration_ms', { unit: 'ms', description: 'How long the engine ran' });
  return out;
}

/** The rule editor: metric, condition and counts, scope and channels; the server's 400s on the inputs. */
export function RuleForm({
  rule,
  engines,
  onSaved,
}: {
  rule?: Rule;
  engines: Engine[];
  onSaved: (r: Rule) => void;
}) {
  const { t } = useTranslation('alerts');
  const save = useSaveRule(rule?.id);
  const schedules = useScheduleChoices();
  const metricsId = useId();
  const [v, setV] = useState({
    name: rule?.name ?? '',
    description: rule?.description ?? '',
    metricName: rule?.metricName ?? '',
    condition: rule?.condition ?? 'gt',
    threshold: rule?.threshold === null || rule?.threshold === undefined ? '' : String(rule.threshold),
    severity: rule?.severity ?? 'medium',
    forCount: String(rule?.forCount ?? 1),
    resolveCount: String(rule?.resolveCount ?? 1),
    cooldown: String(rule?.cooldown ?? 300),
    repeatInterval: rule?.repeatInterval ? String(rule.repeatInterval) : '',
    notifyOnResolve: rule?.notifyOnResolve ?? true,
    isActive: rule?.isActive ?? true,
    mutedUntil: toLocalInput(rule?.mutedUntil),
    testType: rule?.scope.testType ?? '',
    scheduleId: rule?.scope.scheduleId ?? '',
    urlGlob: rule?.scope.urlGlob ?? '',
    tags: (rule?.scope.tags ?? []).join(', '),
    channels: rule?.channels ?? (['in_app'] as string[]),
    emailRecipients: (rule?.emailRecipients ?? []).join(', '),
    webhookUrl: rule?.webhookUrl ?? '',
  });
  const set = <K extends keyof typeof v>(k: K, value: (typeof v)[K]) => setV((o) => ({ ...o, [k]: value }));
  const server = isApiError(save.error, 400) ? save.error.fieldErrors('/body/') : {};
  const err = (prefix: string) =>
    Object.entries(server).find(([k]) => k === prefix || k.startsWith(`${prefix}/`))?.[1];
  const choices = metricChoices(engines, v.testType);
  const chosen = choices.get(v.metricName);

  function submit(e: FormEvent) {
    e.preventDefault();
    const body: RuleInput = {
      name: v.name.trim(),
      description: v.description.trim() || null,
      metricName: v.metricName.trim(),
      condition: v.condition,
      threshold: v.condition === 'absent' || v.threshold.trim() === '' ? null : Number(v.threshold),
      severity: v.severity,
      forCount: Number(v.forCount) || 1,
      resolveCount: Number(v.resolveCount) || 1,
      cooldown: Number(v.cooldown) || 0,
      repeatInterval: v.repeatInterval.trim() ? Number(v.repeatInterval) : null,
      notifyOnResolve: v.notifyOnResolve,
      isActive: v.isActive,
      mutedUntil: v.mutedUntil ? new Date(v.mutedUntil).toISOString() : null,
      scope: {
        kind: 'tests',
        testType: v.testType || null,
        scheduleId: v.scheduleId || null,
        urlGlob: v.urlGlob.trim() || null,
        tags: list(v.tags),
      },
      channels: v.channels as RuleInput['channels'],
      emailRecipients:
        v.channels.includes('email') && list(v.emailRecipients).length ? list(v.emailRecipients) : null,
      webhookUrl: v.channels.includes('webhook') ? v.webhookUrl.trim() || null : null,
    };
    save.mutate(body, { onSuccess: onSaved });
  }

  return (
    <form className="alerts-form" onSubmit={submit} noValidate>
      <FormError error={save.error} />
      <Card title={t('editor.what')}>
        <Field
          label={t('editor.name')}
          value={v.name}
          onChange={(e) => set('name', e.target.value)}
          required
          error={err('name')}
        />
        <Field
          label={t('editor.description')}
          value={v.description}
          onChange={(e) => set('description', e.target.value)}
          error={err('description')}
        />
        <Select
          label={t('editor.testType')}
          value={v.testType}
          onChange={(e) => set('testType', e.target.value)}
          error={err('scope/testType')}
          options={[
            { value: '', label: t('editor.anyType') },
            ...engines.map((e) => ({ value: e.name, label: e.name })),
          ]}
        />
        <Field
          label={t('editor.metric')}
          list={metricsId}
          value={v.metricName}
          onChange={(e) => set('metricName', e.target.value)}
          required
          autoComplete="off"
          className="alerts-mono"
          hint={
            chosen ? `${chosen.description}${chosen.unit ? ` (${chosen.unit})` : ''}` : t('editor.metricHint')
          }
          error={err('metricName')}
        />
        <datalist id={metricsId}>
          {[...choices].map(([name, m]) => (
            <option key={name} value={name}>
              {m.unit ? `${name} (${m.unit})` : name}
            </option>
          ))}
        </datalist>
      </Card>
      <Card title={t('editor.when')}>
        <div className="alerts-two">
          <Select
            label={t('editor.condition')}
            value={v.condition}
            onChange={(e) => set('condition', e.target.value as (typeof CONDITIONS)[number])}
            error={err('condition')}
            options={CONDITIONS.map((c) => ({ value: c, label: t(`condition.${c}`) }))}
          />
          <Field
            label={t('editor.threshold')}
            type="number"
            step="any"
            value={v.threshold}
            disabled={v.condition === 'absent'}
            onChange={(e) => set('threshold', e.target.value)}
            hint={chosen?.unit || undefined}
            error={err('threshold')}
          />
          <Select
            label={t('editor.severity')}
            value={v.severity}
            onChange={(e) => set('severity', e.target.value as (typeof SEVERITIES)[number])}
            error={err('severity')}
            options={SEVERITIES.map((s) => ({ value: s, label: t(`severity.${s}`) }))}
          />
          <Field
            label={t('editor.forCount')}
            type="number"
            min={1}
            max={1000}
            value={v.forCount}
            onChange={(e) => set('forCount', e.target.value)}
            error={err('forCount')}
          />
          <Field
            label={t('editor.resolveCount')}
            type="number"
            min={1}
            max={1000}
            value={v.resolveCount}
            onChange={(e) => set('resolveCount', e.target.value)}
            error={err('resolveCount')}
          />
          <Field
            label={t('editor.cooldown')}
            type="number"
            min={0}
            value={v.cooldown}
            onChange={(e) => set('cooldown', e.target.value)}
            error={err('cooldown')}
          />
          <Field
            label={t('editor.repeatInterval')}
            type="number"
            min={1}
            value={v.repeatInterval}
            onChange={(e) => set('repeatInterval', e.target.value)}
            hint={t('editor.repeatHint')}
            error={err('repeatInterval')}
          />
          <Field
            label={t('editor.mutedUntil')}
            type="datetime-local"
            value={v.mutedUntil}
            onChange={(e) => set('mutedUntil', e.target.value)}
            hint={t('editor.mutedHint')}
            error={err('mutedUntil')}
          />
        </div>
        <label className="alerts-check">
          <input
            type="checkbox"
            checked={v.notifyOnResolve}
            onChange={(e) => set('notifyOnResolve', e.target.checked)}
          />{' '}
          {t('editor.notifyOnResolve')}
        </label>
        <label className="alerts-check">
          <input type="checkbox" checked={v.isActive} onChange={(e) => set('isActive', e.target.checked)} />{' '}
          {t('editor.isActive')}
        </label>
      </Card>
      <Card title={t('editor.scope')}>
        <div className="alerts-two">
          <Select
            label={t('editor.schedule')}
            value={v.scheduleId}
            onChange={(e) => set('scheduleId', e.target.value)}
            error={err('scope/scheduleId')}
            options={[
              { value: '', label: t('editor.anySchedule') },
              ...(schedules.data ?? []).map((s) => ({ value: s.id, label: s.name })),
            ]}
          />
          <Field
            label={t('editor.urlGlob')}
            value={v.urlGlob}
            onChange={(e) => set('urlGlob', e.target.value)}
            hint={t('editor.urlGlobHint')}
            error={err('scope/urlGlob')}
          />
          <Field
            label={t('editor.tags')}
            value={v.tags}
            onChange={(e) => set('tags', e.target.value)}
            hint={t('editor.tagsHint')}
            error={err('scope/tags')}
          />
        </div>
      </Card>
      <Card title={t('editor.channels')}>
        <fieldset aria-invalid={err('channels') ? true : undefined}>
          <legend>{t('editor.channels')}</legend>
          {CHANNELS.map((c) => (
            <label className="alerts-check" key={c}>
              <input
                type="checkbox"
                checked={v.channels.includes(c)}
                onChange={(e) =>
                  set('channels', e.target.checked ? [...v.channels, c] : v.channels.filter((x) => x !== c))
                }
              />{' '}
              {t(`editor.${c}`)}
            </label>
          ))}
          {err('channels') && (
            <small className="field-error" role="alert">
              {err('channels')}
            </small>
          )}
        </fieldset>
        {v.channels.includes('email') && (
          <Field
            label={t('editor.recipients')}
            value={v.emailRecipients}
            onChange={(e) => set('emailRecipients', e.target.value)}
            hint={t('editor.recipientsHint')}
            error={err('emailRecipients')}
          />
        )}
        {v.channels.includes('webhook') && (
          <Field
            label={t('editor.webhookUrl')}
            type="url"
            value={v.webhookUrl}
            onChange={(e) => set('webhookUrl', e.target.value)}
            placeholder="https://hooks.example/alerts"
            error={err('webhookUrl')}
          />
        )}
      </Card>
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {save.isPending ? t('editor.saving') : t('editor.save')}
        </button>
      </div>
    </form>
  );
}
