import {
  ConfigError,
  parseBool,
  parseRate,
  readDuration as ms,
  readInt as int,
  type RateSpec,
} from './parse.ts';

/** E-mail delivery: the SMTP transport and the outbox dispatcher; see docs/EMAIL.md. */
export interface EmailConfig {
  /** null: no SMTP; messages stay in the outbox and are logged. */
  smtpUrl: string | null;
  from: string;
  tlsRejectUnauthorized: boolean;
  poolSize: number;
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
  pollIntervalMs: number;
  maxAgeMs: number;
  rateLimitPerRecipient: RateSpec;
  maxBytes: number;
  retentionMs: number;
}

/** Notifications and the per-user daily test quota; see docs/NOTIFICATIONS.md. */
export interface NotificationsConfig {
  /** 0 = unlimited. */
  userDailyTestQuota: number;
  retentionMs: number;
  retentionIntervalMs: number;
}

type Env = Record<string, string | undefined>;

const DAY = 86_400_000;

function smtpUrl(value: string | undefined): string | null {
  const url = value?.trim();
  if (!url) return null;
  if (!/^smtps?:\/\/[^/\s]+/.test(url))
    throw new ConfigError('SMTP_URL', 'an smtp:// or smtps:// URL', '<redacted>');
  return url;
}

function mailFrom(value: string | undefined): string {
  const v = value?.trim() ?? '';
  // `Name <local@domain>` or `local@domain`; no line breaks (they would end the header).
  if (!/^([^\r\n<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/.test(v))
    throw new ConfigError('MAIL_FROM', 'an address such as "TestWeb <testweb@example.com>"', value);
  return v;
}

/** `e` already carries the defaults from ENV_VARS. */
export function parseEmailConfig(e: Env): EmailConfig {
  const rate =
    e.EMAIL_RATE_LIMIT_RECIPIENT === undefined ? undefined : parseRate(e.EMAIL_RATE_LIMIT_RECIPIENT);
  if (!rate)
    throw new ConfigError(
      'EMAIL_RATE_LIMIT_RECIPIENT',
      'count/window such as 30/1h',
      e.EMAIL_RATE_LIMIT_RECIPIENT,
    );
  const tls =
    e.SMTP_TLS_REJECT_UNAUTHORIZED === undefined ? undefined : parseBool(e.SMTP_TLS_REJECT_UNAUTHORIZED);
  if (tls === undefined)
    throw new ConfigError('SMTP_TLS_REJECT_UNAUTHORIZED', 'true or false', e.SMTP_TLS_REJECT_UNAUTHORIZED);
  return {
    smtpUrl: smtpUrl(e.SMTP_URL),
    from: mailFrom(e.MAIL_FROM),
    tlsRejectUnauthorized: tls,
    poolSize: int(e, 'SMTP_POOL_SIZE', 1, 50),
    timeoutMs: ms(e, 'SMTP_TIMEOUT', 100, 600_000),
    maxAttempts: int(e, 'EMAIL_MAX_ATTEMPTS', 1, 20),
    backoffMs: ms(e, 'EMAIL_RETRY_BACKOFF', 10, DAY),
    pollIntervalMs: ms(e, 'EMAIL_POLL_INTERVAL', 10, 3_600_000),
    maxAgeMs: ms(e, 'EMAIL_MAX_AGE', 1000, 30 * DAY),
    rateLimitPerRecipient: rate,
    maxBytes: int(e, 'EMAIL_MAX_BYTES', 1024, 10_485_760),
    retentionMs: ms(e, 'EMAIL_RETENTION', 60_000, 3650 * DAY),
  };
}

export function parseNotificationsConfig(e: Env): NotificationsConfig {
  return {
    userDailyTestQuota: int(e, 'USER_DAILY_TEST_QUOTA', 0, 1_000_000),
    retentionMs: ms(e, 'NOTIFICATION_RETENTION', 60_000, 3650 * DAY),
    retentionIntervalMs: ms(e, 'NOTIFICATION_RETENTION_INTERVAL', 1000, DAY),
  };
}
