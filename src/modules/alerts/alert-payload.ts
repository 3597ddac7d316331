import type { AlertPayload } from '../../shared/events/index.ts';
import type { RuleRow } from './alert-rule.repository.ts';

/** What one evaluation saw for one series. */
export interface Observation {
  /** The URL (test rules) or the instance id (platform rules). */
  seriesKey: string;
  /** null: the metric was missing, or the test failed before producing it. */
  value: number | null;
  /** Makes a second evaluation of the same event a no-op: the run id, or instance@sample time. */
  eventId: string;
  testId: string | null;
  scheduleId: string | null;
  url: string | null;
  instanceId: string | null;
}

/** The PUBLIC_URL link of an alert: the platform page, the schedule, or the test. */
export function alertLink(
  publicUrl: string,
  a: { platform: boolean; testId: string | null; scheduleId: string | null },
): string {
  const path = a.platform
    ? '/monitoring'
    : a.scheduleId
      ? `/schedules/${a.scheduleId}`
      : a.testId
        ? `/tests/${a.testId}`
        : '/alerts';
  return `${publicUrl}${path}`;
}

const fmt = (v: number | null) => (v === null ? 'missing' : String(Math.round(v * 1000) / 1000));
const OPS = { gt: '>', lt: '<', eq: '=', gte: '≥', lte: '≤', neq: '≠', absent: 'absent' } as const;

/** "ttfb_ms = 812 (> 500) on https://shop.example/": the line titles and e-mails show. */
export function titleOf(rule: RuleRow, o: Observation, state: 'firing' | 'resolved'): string {
  const cond = rule.condition === 'absent' ? 'is absent' : `${OPS[rule.condition]} ${fmt(rule.threshold)}`;
  const head = state === 'resolved' ? `Resolved: ${rule.name}` : rule.name;
  return `${head}: ${rule.metric_name} = ${fmt(o.value)} (${cond}) on ${o.seriesKey}`.slice(0, 500);
}

export interface Episode {
  id: string;
  triggeredAt: Date;
  resolvedAt: Date | null;
  /** The value at the firing (history's metric_data), shown on reminders and resolves too. */
  value: number | null;
}

export function payloadOf(
  rule: RuleRow,
  o: Observation,
  episode: Episode,
  state: 'firing' | 'resolved',
  at: Date,
  publicUrl: string,
): AlertPayload {
  const platform = rule.scope_kind === 'platform';
  return {
    id: episode.id,
    ruleId: rule.id,
    ruleName: rule.name,
    title: titleOf(rule, o, state),
    description: rule.description,
    severity: rule.severity,
    state,
    metric: {
      name: rule.metric_name,
      value: o.value,
      condition: rule.condition,
      threshold: rule.threshold,
    },
    seriesKey: o.seriesKey,
    scope: rule.scope_kind,
    testId: o.testId,
    scheduleId: o.scheduleId,
    url: o.url,
    instanceId: o.instanceId,
    timestamp: at.toISOString(),
    triggeredAt: episode.triggeredAt.toISOString(),
    resolvedAt: episode.resolvedAt?.toISOString() ?? null,
    actionUrl: alertLink(publicUrl, { platform, testId: o.testId, scheduleId: o.scheduleId }),
  };
}
