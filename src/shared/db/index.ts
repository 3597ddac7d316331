export { createDatabase, type Database, type DB } from './database.ts';
export { migrate, MigrationError, MIGRATIONS_DIR } from './migrator.ts';
export { isDatabaseUnavailable } from './unavailable.ts';
export type { EmailStatus, NotificationType, UserLocale } from './schema.ts';
