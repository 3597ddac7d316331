import type { Kysely, Selectable } from 'kysely';
import type { AlertDeliveryEvent, DB } from '../../shared/db/index.ts';
import type { AlertRulesTable } from '../../shared/db/schema.ts';
import type { AlertPayload } from '../../shared/events/index.ts';

export type AlertRuleRow = Selectable<AlertRulesTable>;

/**
 * The seam between evaluation (rules, state machine, history) and delivery (channels). The evaluator
 * calls `enqueue` inside the transaction that changed a series' state, so a notice is stored exactly
 * when its state change is: one alert_deliveries row per channel of the rule, sent by the dispatcher.
 */
export interface AlertDeliveryQueue {
  enqueue(trx: Kysely<DB>, rule: AlertRuleRow, event: AlertDeliveryEvent, alert: AlertPayload): Promise<void>;
  /** Wakes the dispatcher after a commit (new rows are sent at once rather than on the next poll). */
  nudge(): void;
}

/** A rule's webhook endpoint (alert_webhooks). The rule service calls these in its own transaction. */
export interface WebhookEndpoints {
  /**
   * Checks the URL (http(s), no credentials, and the SSRF guard: a private or metadata address is
   * refused with a 400 naming `webhookUrl` unless ALLOW_PRIVATE_TARGETS) and creates an endpoint with a
   * new `whsec_` secret, which is returned this once.
   */
  create(trx: Kysely<DB>, userId: string, url: string): Promise<{ id: string; secret: string }>;
  /** Points the endpoint at another URL (same checks) and re-enables it if a 410 had disabled it. */
  changeUrl(trx: Kysely<DB>, userId: string, id: string, url: string): Promise<void>;
  /** The endpoint's URL and state, for the rule's JSON. */
  describe(
    db: Kysely<DB>,
    userId: string,
    ids: string[],
  ): Promise<Map<string, { url: string; disabledAt: string | null; disabledReason: string | null }>>;
  remove(trx: Kysely<DB>, userId: string, id: string): Promise<void>;
}
