import { createHmac } from 'node:crypto';
import type { AlertDeliveryEvent } from '../../../shared/db/index.ts';
import type { AlertPayload } from '../../../shared/events/index.ts';

/** Standard Webhooks (standardwebhooks.com): `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`. */
export function signature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The headers of one attempt; several secrets (rotation's grace period) give space-separated signatures. */
export function webhookHeaders(
  secrets: string[],
  id: string,
  timestamp: number,
  body: string,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => signature(s, id, timestamp, body)).join(' '),
  };
}

/** The alert in a fixed field order (the stored jsonb does not keep one), so every retry sends the same bytes. */
export function alertBody(event: AlertDeliveryEvent, a: AlertPayload): string {
  const alert: AlertPayload = {
    id: a.id,
    ruleId: a.ruleId,
    ruleName: a.ruleName,
    title: a.title,
    description: a.description,
    severity: a.severity,
    state: a.state,
    metric: {
      name: a.metric.name,
      value: a.metric.value,
      condition: a.metric.condition,
      threshold: a.metric.threshold,
    },
    seriesKey: a.seriesKey,
    scope: a.scope,
    testId: a.testId,
    scheduleId: a.scheduleId,
    url: a.url,
    instanceId: a.instanceId,
    timestamp: a.timestamp,
    triggeredAt: a.triggeredAt,
    resolvedAt: a.resolvedAt,
    actionUrl: a.actionUrl,
  };
  return JSON.stringify({ event, alert });
}
