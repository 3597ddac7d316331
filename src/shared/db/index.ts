export { createDatabase, type Database, type DatabaseObserver, type DB, type PoolStats } from './database.ts';
export { migrate, MigrationError, MIGRATIONS_DIR } from './migrator.ts';
export { isDatabaseUnavailable } from './unavailable.ts';
export type { EmailStatus, NotificationType, UserLocale } from './schema.ts';
export type {
  AlertChannel,
  AlertCondition,
  AlertDeliveryEvent,
  AlertDeliveryStatus,
  AlertSeriesState,
  AlertSeverity,
  AccountTokenPurpose,
} from './schema.ts';
