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
}

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

export interface DB {
  users: UsersTable;
  refresh_sessions: RefreshSessionsTable;
  oauth_identities: OAuthIdentitiesTable;
  mfa_backup_codes: MfaBackupCodesTable;
  schema_migrations: SchemaMigrationsTable;
  test_queue: TestQueueTable;
  test_results: TestResultsTable;
}
