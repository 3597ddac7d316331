import type { ColumnType, Generated } from 'kysely';

/** Table types for Kysely; one interface per table, kept in step with migrations/. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface UsersTable {
  id: Generated<string>;
  email: string;
  password_hash: string | null;
  role: 'user' | 'admin';
  display_name: string | null;
  mfa_enabled: Generated<boolean>;
  mfa_secret_encrypted: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  last_login_at: NullableTimestamp;
  locale: Generated<UserLocale>;
  /** null: not verified yet (migration 009 counted older accounts as verified). */
  email_verified_at: NullableTimestamp;
  disabled_at: NullableTimestamp;
  password_changed_at: NullableTimestamp;
  mfa_pending_secret_encrypted: string | null;
  /** pg returns bigint as text; the value fits a number (TOTP steps are ~5.6e7). */
  mfa_last_step: ColumnType<string | number | null, number | null | undefined, number | null>;
}

export type UserLocale = 'en' | 'zh-CN';

export interface RefreshSessionsTable {
  id: Generated<string>;
  user_id: string;
  family_id: string;
  token_hash: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  rotated_at: NullableTimestamp;
  replaced_by: string | null;
  revoked_at: NullableTimestamp;
  revoked_reason: string | null;
  user_agent: string | null;
  ip: string | null;
  last_used_at: NullableTimestamp;
}

export interface OAuthIdentitiesTable {
  id: Generated<string>;
  user_id: string;
  provider: string;
  provider_user_id: string;
  email: string | null;
  created_at: Generated<Date>;
}

export interface MfaBackupCodesTable {
  id: Generated<string>;
  user_id: string;
  code_hash: string;
  used_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface SchemaMigrationsTable {
  name: string;
  applied_at: Generated<Date>;
}

export type TestStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
type Json<T> = ColumnType<T, string, string>;

export interface TestQueueTable {
  id: Generated<string>;
  test_id: string;
  test_type: string;
  url: string;
  config: Json<Record<string, unknown>>;
  status: Generated<TestStatus>;
  priority: Generated<number>;
  user_id: string;
  created_at: Generated<Date>;
  started_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  retry_count: Generated<number>;
  error_message: string | null;
  progress: Generated<number>;
  message: string | null;
  attempts: Generated<number>;
  run_id: string | null;
  worker_id: string | null;
  lease_until: NullableTimestamp;
  available_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** The schedule whose tick submitted the test (null for a test submitted by hand). */
  schedule_id: Generated<string | null>;
  /** Labels alert rules can be scoped by (a schedule's runs carry its tags). Migration 004. */
  tags: ColumnType<string[], string[] | undefined, string[]>;
}

export interface TestResultsTable {
  test_id: string;
  passed: boolean | null;
  score: number | null;
  summary: string;
  metrics: Json<Record<string, number>>;
  findings: Json<unknown[]>;
  details: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
}

/** Files of a test's result (migration 012): docs/ARTIFACTS.md. */
export interface TestArtifactsTable {
  test_id: string;
  user_id: string;
  name: string;
  content_type: string;
  label: string | null;
  encoding: 'gzip' | 'identity';
  size: number;
  stored_size: number;
  sha256: string;
  data: Buffer;
  created_at: Generated<Date>;
}

export type NotificationType =
  'test_completed' | 'test_failed' | 'alert_triggered' | 'system_update' | 'quota_warning';

export interface NotificationsTable {
  id: Generated<string>;
  user_id: string;
  type: NotificationType;
  title: string;
  content: string | null;
  data: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  is_read: Generated<boolean>;
  action_url: string | null;
  created_at: Generated<Date>;
  read_at: NullableTimestamp;
  dedupe_key: string | null;
}

/** Kept by triggers (migration 005): never written by the application. */
export interface NotificationUnreadCountsTable {
  user_id: string;
  unread: number;
}

/** categories: { [type]: { in_app?: boolean, email?: boolean } }. */
export interface NotificationPreferencesTable {
  user_id: string;
  email_enabled: Generated<boolean>;
  push_enabled: Generated<boolean>;
  categories: ColumnType<Record<string, Record<string, boolean>>, string | undefined, string>;
  updated_at: Generated<Date>;
}

export interface NotificationBroadcastsTable {
  id: Generated<string>;
  created_by: string | null;
  title: string;
  content: string | null;
  action_url: string | null;
  status: Generated<'pending' | 'running' | 'completed' | 'failed'>;
  cursor_user_id: string | null;
  delivered: Generated<number>;
  error: string | null;
  created_at: Generated<Date>;
  started_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  locked_by: string | null;
  lease_until: NullableTimestamp;
}

/** A source's (user, dedupe key) claim: one notification and one e-mail per source event. */
export interface NotificationDedupeTable {
  user_id: string;
  dedupe_key: string;
  created_at: Generated<Date>;
}

export interface UserQuotasTable {
  user_id: string;
  daily_test_quota: number | null;
  /** 'YYYY-MM-DD' (UTC) of the last 80 % warning. */
  warned_day: ColumnType<string | null, string | null | undefined, string | null>;
  updated_at: Generated<Date>;
}

export type EmailStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface EmailOutboxTable {
  id: Generated<string>;
  user_id: string | null;
  recipient: string;
  template: string;
  locale: string;
  subject: string;
  body_text: string;
  body_html: string;
  message_id: string;
  status: Generated<EmailStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: Generated<Date>;
  locked_by: string | null;
  lease_until: NullableTimestamp;
  created_at: Generated<Date>;
  /** When it was last queued (written, or retried by an admin); EMAIL_MAX_AGE counts from here. */
  queued_at: Generated<Date>;
  sent_at: NullableTimestamp;
  updated_at: Generated<Date>;
}

/** A process of the deployment (monitoring); down after three missed heartbeats. */
export interface MonitoringInstancesTable {
  id: string;
  role: InstanceRole;
  host: string;
  pid: number;
  version: string;
  started_at: Timestamp;
  last_heartbeat: Timestamp;
  stopped_at: NullableTimestamp;
  concurrency: Generated<number>;
  running: Generated<number>;
}

export type InstanceRole = 'api' | 'worker' | 'api+worker';

/** One platform sample (raw), or the average of a minute's (resolution 'minute'). */
export interface PlatformSamplesTable {
  instance_id: string;
  role: InstanceRole;
  sampled_at: Timestamp;
  resolution: Generated<'raw' | 'minute'>;
  sample_count: Generated<number>;
  cpu_ratio: number | null;
  rss_bytes: number | null;
  heap_used_bytes: number | null;
  event_loop_p99_seconds: number | null;
  api_requests_per_minute: number | null;
  api_p95_seconds: number | null;
  api_error_ratio: number | null;
  queue_waiting: number | null;
  queue_active: number | null;
  tests_completed_per_minute: number | null;
  tests_failed_per_minute: number | null;
  running_tests: number | null;
  ws_connections: number | null;
  cache_hit_ratio: number | null;
  cache_errors_per_minute: number | null;
  db_rtt_seconds: number | null;
  redis_rtt_seconds: number | null;
}

export interface MonitoringStatusTable {
  id: Generated<number>;
  status: 'unknown' | 'ok' | 'degraded' | 'down';
  previous: string | null;
  changed_at: Generated<Date>;
}

/** A recurring test: a saved definition and either an interval grid or a cron expression (docs/SCHEDULES.md). */
export interface SchedulesTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  test_type: string;
  url: string;
  options: Json<Record<string, unknown>>;
  priority: Generated<number>;
  interval_ms: ColumnType<number | null, number | null, number | null>;
  cron: string | null;
  timezone: string | null;
  anchor_at: Timestamp;
  enabled: Generated<boolean>;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  next_run_at: NullableTimestamp;
  last_test_id: string | null;
  last_test_tick_at: NullableTimestamp;
  last_run_at: NullableTimestamp;
  runs_total: Generated<number>;
  skipped_overlap: Generated<number>;
  skipped_limit: Generated<number>;
  skipped_quota: Generated<number>;
  rejected: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type ScheduleRunKind = 'tick' | 'catch-up' | 'manual';
export type ScheduleRunOutcome =
  'pending' | 'queued' | 'skipped_overlap' | 'skipped_limit' | 'skipped_quota' | 'rejected';

/** One tick of a schedule; (schedule_id, tick_at) is the key that makes it run once across processes. */
export interface ScheduleRunsTable {
  schedule_id: string;
  tick_at: Timestamp;
  kind: ScheduleRunKind;
  outcome: ScheduleRunOutcome;
  test_id: string | null;
  missed: Generated<number>;
  claimed_at: Timestamp;
  claimed_by: string | null;
  error: string | null;
}

/** The rolling window of one metric of a schedule (oldest first). */
export interface ScheduleBaselinesTable {
  schedule_id: string;
  metric: string;
  samples: ColumnType<number[], number[], number[]>;
  runs: Generated<number>;
  updated_at: Generated<Date>;
}

export interface ScheduleMaintenanceTable {
  name: string;
  next_at: Timestamp;
  /** Where the retention's walk stopped: created_at as text (full precision) and test_id. */
  cursor_at: string | null;
  cursor_id: string | null;
}

// --- Alerting (migration 004, docs/ALERTING.md) ---

export type AlertCondition = 'gt' | 'lt' | 'eq' | 'gte' | 'lte' | 'neq' | 'absent';
export type AlertSeverity = 'low' | 'medium' | 'high' | 'critical';
export type AlertChannel = 'email' | 'webhook' | 'in_app';
export type AlertSeriesState = 'ok' | 'pending' | 'firing';
export type AlertDeliveryEvent = 'alert.triggered' | 'alert.resolved' | 'alert.reminder' | 'alert.test';
export type AlertDeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed' | 'skipped';
type TextArray = ColumnType<string[], string[] | undefined, string[]>;
type NullableTextArray = ColumnType<string[] | null, string[] | null | undefined, string[] | null>;

export interface AlertWebhooksTable {
  id: Generated<string>;
  user_id: string;
  url: string;
  secret_sealed: string;
  disabled_at: NullableTimestamp;
  disabled_reason: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** Migration 010: the secret before the last rotation, still signing until it expires. */
  previous_secret_sealed: string | null;
  previous_secret_expires_at: NullableTimestamp;
}

export interface AlertRulesTable {
  id: Generated<string>;
  name: string;
  description: string | null;
  metric_name: string;
  condition: AlertCondition;
  threshold: number | null;
  severity: Generated<AlertSeverity>;
  channels: ColumnType<AlertChannel[], string | undefined, string>;
  cooldown: Generated<number>;
  is_active: Generated<boolean>;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  scope_kind: Generated<'tests' | 'platform'>;
  scope_test_type: string | null;
  scope_schedule_id: string | null;
  scope_url_glob: string | null;
  scope_tags: TextArray;
  for_count: Generated<number>;
  resolve_count: Generated<number>;
  notify_on_resolve: Generated<boolean>;
  repeat_interval: number | null;
  muted_until: NullableTimestamp;
  webhook_id: string | null;
  email_recipients: NullableTextArray;
}

export interface AlertStatesTable {
  rule_id: string;
  series_key: string;
  state: Generated<AlertSeriesState>;
  breaching_count: Generated<number>;
  healthy_count: Generated<number>;
  last_value: number | null;
  last_event_id: string | null;
  last_evaluated_at: NullableTimestamp;
  alert_id: string | null;
  last_fired_at: NullableTimestamp;
  last_notified_at: NullableTimestamp;
  next_reminder_at: NullableTimestamp;
}

export interface AlertHistoryTable {
  id: Generated<string>;
  rule_id: string | null;
  user_id: string;
  title: string;
  description: string | null;
  severity: AlertSeverity;
  metric_data: Json<Record<string, unknown>>;
  series_key: string;
  platform: Generated<boolean>;
  state: Generated<'firing' | 'resolved'>;
  triggered_at: Generated<Date>;
  acknowledged_at: NullableTimestamp;
  acknowledged_by: string | null;
  resolved_at: NullableTimestamp;
  resolved_value: number | null;
  reminders_sent: Generated<number>;
}

export interface AlertDeliveriesTable {
  id: Generated<string>;
  alert_id: string | null;
  rule_id: string | null;
  user_id: string;
  channel: AlertChannel;
  event: AlertDeliveryEvent;
  webhook_id: string | null;
  payload: Json<Record<string, unknown>>;
  status: Generated<AlertDeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  lease_until: NullableTimestamp;
  worker_id: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  delivered_at: NullableTimestamp;
}

export interface AlertDeliveryAttemptsTable {
  id: Generated<string>;
  delivery_id: string;
  attempt: number;
  started_at: Timestamp;
  duration_ms: number | null;
  status_code: number | null;
  error: string | null;
  ok: boolean;
}

// --- Account security (migration 009) ---

export type AccountTokenPurpose = 'verify_email' | 'reset_password' | 'change_email';

export interface AccountTokensTable {
  id: Generated<string>;
  user_id: string;
  purpose: AccountTokenPurpose;
  token_hash: string;
  email: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface LoginChallengesTable {
  id: Generated<string>;
  user_id: string;
  kind: 'mfa' | 'oauth_exchange';
  token_hash: string;
  meta: ColumnType<Record<string, unknown>, string | undefined, string>;
  failed_attempts: Generated<number>;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface OAuthStatesTable {
  state_hash: string;
  provider: string;
  code_verifier: string;
  nonce: string | null;
  link_user_id: string | null;
  expires_at: Timestamp;
  created_at: Generated<Date>;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  token_prefix: string;
  scopes: ColumnType<string[], string[], string[]>;
  expires_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface DB {
  users: UsersTable;
  refresh_sessions: RefreshSessionsTable;
  oauth_identities: OAuthIdentitiesTable;
  mfa_backup_codes: MfaBackupCodesTable;
  schema_migrations: SchemaMigrationsTable;
  test_queue: TestQueueTable;
  test_results: TestResultsTable;
  test_artifacts: TestArtifactsTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  notification_unread_counts: NotificationUnreadCountsTable;
  notification_broadcasts: NotificationBroadcastsTable;
  notification_dedupe: NotificationDedupeTable;
  user_quotas: UserQuotasTable;
  email_outbox: EmailOutboxTable;
  monitoring_instances: MonitoringInstancesTable;
  platform_samples: PlatformSamplesTable;
  monitoring_status: MonitoringStatusTable;
  schedules: SchedulesTable;
  schedule_runs: ScheduleRunsTable;
  schedule_baselines: ScheduleBaselinesTable;
  schedule_maintenance: ScheduleMaintenanceTable;
  alert_webhooks: AlertWebhooksTable;
  alert_rules: AlertRulesTable;
  alert_states: AlertStatesTable;
  alert_history: AlertHistoryTable;
  alert_deliveries: AlertDeliveriesTable;
  alert_delivery_attempts: AlertDeliveryAttemptsTable;
  account_tokens: AccountTokensTable;
  login_challenges: LoginChallengesTable;
  oauth_states: OAuthStatesTable;
  api_tokens: ApiTokensTable;
}
