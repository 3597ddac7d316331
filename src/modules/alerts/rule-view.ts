import type { RuleRow, RuleValues } from './alert-rule.repository.ts';
import type { CreateRuleBody, RuleView } from './alerts.schemas.ts';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export type WebhookInfo = Map<
  string,
  { url: string; disabledAt: string | null; disabledReason: string | null }
>;

/**
 * Whether an update makes the rule measure something else (or stop): its series then start afresh and
 * its open alerts resolve without a notice. A change of mute, channels, counts or wording keeps them.
 */
export function restarts(before: RuleRow, after: Omit<RuleValues, 'webhookId'>): boolean {
  return (
    !after.isActive ||
    before.metric_name !== after.metricName ||
    before.condition !== after.condition ||
    before.threshold !== after.threshold ||
    before.scope_kind !== after.scopeKind ||
    before.scope_test_type !== after.testType ||
    before.scope_schedule_id !== after.scheduleId ||
    before.scope_url_glob !== after.urlGlob ||
    (before.scope_tags ?? []).join(',') !== after.tags.join(',')
  );
}

export function toRuleView(r: RuleRow, hooks: WebhookInfo): RuleView {
  const hook = r.webhook_id ? hooks.get(r.webhook_id) : undefined;
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    metricName: r.metric_name,
    condition: r.condition,
    threshold: r.threshold,
    severity: r.severity,
    channels: r.channels,
    cooldown: r.cooldown,
    isActive: r.is_active,
    forCount: r.for_count,
    resolveCount: r.resolve_count,
    notifyOnResolve: r.notify_on_resolve,
    repeatInterval: r.repeat_interval,
    mutedUntil: iso(r.muted_until),
    scope: {
      kind: r.scope_kind,
      testType: r.scope_test_type,
      scheduleId: r.scope_schedule_id,
      urlGlob: r.scope_url_glob,
      tags: r.scope_tags ?? [],
    },
    webhookUrl: hook?.url ?? null,
    webhook: hook && r.webhook_id ? { id: r.webhook_id, ...hook } : null,
    emailRecipients: r.email_recipients,
    createdBy: r.created_by,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/** The body a stored rule would be created with (a PUT merges its fields over this). */
export function bodyOf(v: RuleView): CreateRuleBody {
  const { scope } = v;
  return {
    name: v.name,
    description: v.description,
    metricName: v.metricName,
    condition: v.condition,
    threshold: v.threshold,
    severity: v.severity,
    channels: v.channels,
    cooldown: v.cooldown,
    isActive: v.isActive,
    forCount: v.forCount,
    resolveCount: v.resolveCount,
    notifyOnResolve: v.notifyOnResolve,
    repeatInterval: v.repeatInterval,
    mutedUntil: v.mutedUntil,
    scope:
      scope.kind === 'platform'
        ? { kind: 'platform' }
        : {
            kind: 'tests',
            testType: scope.testType,
            scheduleId: scope.scheduleId,
            urlGlob: scope.urlGlob,
            tags: scope.tags,
          },
    webhookUrl: v.webhookUrl,
    emailRecipients: v.emailRecipients,
  };
}
