import type { AlertChannel } from '../../../shared/db/index.ts';
import type { AlertDeliveryQueue, AlertRuleRow } from '../delivery-port.ts';
import type { DeliveryRepository, NewDelivery } from './delivery.repository.ts';

const CHANNELS: readonly AlertChannel[] = ['email', 'webhook', 'in_app'];

export const NO_ENDPOINT = 'the rule has the webhook channel but no webhook endpoint';

/**
 * enqueue: one alert_deliveries row per channel of the rule, in the evaluator's transaction (so a notice
 * exists exactly when its state change does); nudge: the dispatcher looks at once after the commit.
 * Nothing is read outside `trx` here (PGlite has one connection: a read beside the transaction would wait).
 */
export function createDeliveryQueue(deps: {
  repo: DeliveryRepository;
  now: () => Date;
  nudge: () => void;
}): AlertDeliveryQueue {
  return {
    async enqueue(trx, rule: AlertRuleRow, event, alert) {
      const wanted = new Set(Array.isArray(rule.channels) ? rule.channels : []);
      const dueAt = deps.now();
      const rows: NewDelivery[] = CHANNELS.filter((c) => wanted.has(c)).map((channel) => ({
        alertId: event === 'alert.test' ? null : alert.id,
        ruleId: rule.id,
        userId: rule.created_by,
        channel,
        event,
        webhookId: channel === 'webhook' ? rule.webhook_id : null,
        payload: alert,
        skipped: channel === 'webhook' && !rule.webhook_id ? NO_ENDPOINT : undefined,
        dueAt,
      }));
      await deps.repo.insert(trx, rows);
    },
    nudge: deps.nudge,
  };
}
