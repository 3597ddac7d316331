import type { AlertDeliveryEvent, UserLocale } from '../../../shared/db/index.ts';
import type { AlertPayload, EventBus } from '../../../shared/events/index.ts';
import type { NotificationsModule } from '../../notifications/index.ts';
import { payloadOf, type ChannelSender } from './channel.ts';

export const IN_APP_OFF =
  'not stored: in-app notifications of alerts are off in your notification preferences (the live alert message was still sent)';

const KINDS: Record<UserLocale, Record<AlertDeliveryEvent, string>> = {
  en: {
    'alert.triggered': 'Alert',
    'alert.resolved': 'Resolved',
    'alert.reminder': 'Still firing',
    'alert.test': 'Test alert',
  },
  'zh-CN': {
    'alert.triggered': '告警',
    'alert.resolved': '已恢复',
    'alert.reminder': '仍在告警',
    'alert.test': '测试告警',
  },
};
const SEVERITIES: Record<UserLocale, Record<AlertPayload['severity'], string>> = {
  en: { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' },
  'zh-CN': { low: '低', medium: '中', high: '高', critical: '严重' },
};
const OPERATORS: Record<string, string> = { gt: '>', lt: '<', eq: '=', gte: '≥', lte: '≤', neq: '≠' };

/** The inbox entry's text: `Alert: {title}` and `Critical · lcp_ms = 3200 (> 2500) · https://…`. */
export function alertText(event: AlertDeliveryEvent, a: AlertPayload, locale: UserLocale) {
  const m = a.metric;
  const missing = locale === 'zh-CN' ? '缺失' : 'missing';
  const metric =
    m.condition === 'absent' || m.value === null
      ? `${m.name}: ${missing}`
      : `${m.name} = ${m.value} (${OPERATORS[m.condition] ?? m.condition} ${m.threshold})`;
  const parts = [(SEVERITIES[locale] ?? SEVERITIES.en)[a.severity], metric, a.seriesKey].filter(Boolean);
  return {
    title: `${(KINDS[locale] ?? KINDS.en)[event]}: ${a.title}`,
    content: [parts.join(' · '), a.description].filter(Boolean).join('\n\n'),
  };
}

/** The live event of a notice: firing and resolution (reminders and test sends have none). */
function liveEvent(event: AlertDeliveryEvent) {
  if (event === 'alert.triggered') return 'AlertTriggered' as const;
  if (event === 'alert.resolved') return 'AlertResolved' as const;
  return null;
}

/**
 * The in-app channel: an `alert_triggered` notification in the owner's inbox (the live badge follows
 * from the notification centre), without its e-mail (alert e-mail is the e-mail channel's), then the
 * AlertTriggered / AlertResolved event, which realtime sends as `alert.triggered` / `alert.resolved` on
 * the owner's `user-notifications` and, for platform rules, `system-alerts`.
 */
export function createInAppChannel(deps: {
  notifications: NotificationsModule;
  events: EventBus;
}): ChannelSender {
  const { service } = deps.notifications;
  return async (row) => {
    const alert = payloadOf(row);
    const name = liveEvent(row.event);
    const after = name
      ? () => deps.events.publish(name, { userId: row.user_id, platform: alert.scope === 'platform', alert })
      : undefined;
    const prefs = await service.getPreferences(row.user_id);
    if (!prefs.pushEnabled || !prefs.categories.alert_triggered.in_app)
      return { kind: 'skipped', error: IN_APP_OFF, after };
    // The key makes a second attempt of this delivery (its sender died after storing it) a no-op.
    await service.deliver({
      userId: row.user_id,
      type: 'alert_triggered',
      dedupeKey: `alert-delivery:${row.id}`,
      text: (locale) => alertText(row.event, alert, locale),
      actionUrl: alert.actionUrl,
      data: { alertId: row.alert_id, ruleId: row.rule_id, event: row.event, severity: alert.severity },
      inAppOnly: true,
    });
    return { kind: 'delivered', after };
  };
}
