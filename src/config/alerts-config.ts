import { ConfigError, parseDurationMs, readDuration as ms, readInt as int } from './parse.ts';

/** Alert rules, their evaluation and their delivery (docs/ALERTING.md). */
export interface AlertsConfig {
  /** Receivers of platform rules' e-mails; empty: the rule's creator. */
  adminEmails: string[];
  webhookTimeoutMs: number;
  /** Wait before retry n (n = 1…length); after the last one a delivery is failed. */
  webhookRetryScheduleMs: number[];
  deliveryPollIntervalMs: number;
  maxRulesPerUser: number;
  historyRetentionMs: number;
}

type Env = Record<string, string | undefined>;

const DAY_MS = 86_400_000;

function retrySchedule(value: string | undefined): number[] {
  const parts = (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const waits = parts.map((p) => parseDurationMs(p));
  if (parts.length > 20 || waits.some((w) => w === undefined || w < 100 || w > 7 * DAY_MS))
    throw new ConfigError(
      'ALERT_WEBHOOK_RETRY_SCHEDULE',
      'up to 20 comma-separated durations between 100 ms and 7 days, such as 5s,5m,30m,2h,5h',
      value,
    );
  return waits as number[];
}

/** `e` already carries the defaults from ENV_VARS. */
export function parseAlertsConfig(e: Env): AlertsConfig {
  const adminEmails = (e.ADMIN_EMAIL ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (adminEmails.some((a) => !/^[^\s@]+@[^\s@]+$/.test(a)))
    throw new ConfigError('ADMIN_EMAIL', 'comma-separated e-mail addresses', e.ADMIN_EMAIL);
  return {
    adminEmails,
    webhookTimeoutMs: ms(e, 'ALERT_WEBHOOK_TIMEOUT', 100, 60_000),
    webhookRetryScheduleMs: retrySchedule(e.ALERT_WEBHOOK_RETRY_SCHEDULE),
    deliveryPollIntervalMs: ms(e, 'ALERT_DELIVERY_POLL_INTERVAL', 50, 600_000),
    maxRulesPerUser: int(e, 'ALERT_RULES_MAX_PER_USER', 1, 100_000),
    historyRetentionMs: ms(e, 'ALERT_HISTORY_RETENTION', 3_600_000, 3650 * DAY_MS),
  };
}
