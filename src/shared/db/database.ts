import { Kysely, PostgresDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../../config/index.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { openPglite } from './pglite-open.ts';
import type { DB } from './schema.ts';

export type { DB } from './schema.ts';

/** The database of one app instance: a typed Kysely handle plus what start-up and health checks need. */
export interface Database {
  db: Kysely<DB>;
  driver: 'pg' | 'pglite';
  /**
   * Applies one migration script in a transaction, recording its name; false when it was already applied.
   * Concurrent callers (several processes starting at once) are serialized by an advisory lock.
   */
  applyMigration(name: string, script: string): Promise<boolean>;
  /** Resolves when the database answers `SELECT 1` within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<void>;
  /** Connections of the pool right now (PGlite: its one connection, held or not). */
  pool(): PoolStats;
  close(): Promise<void>;
}

export interface PoolStats {
  /** Connections checked out by a query or transaction. */
  inUse: number;
  idle: number;
  /** Callers waiting for a connection. */
  waiting: number;
  max: number;
}

/**
 * Told about every query that goes through Kysely (the monitoring module's metrics implement it); a port,
 * so that shared infrastructure does not import the module.
 */
export interface DatabaseObserver {
  query(seconds: number, failed: boolean): void;
}

function observe(observer: DatabaseObserver | undefined) {
  if (!observer) return undefined;
  return (event: LogEvent) => observer.query(event.queryDurationMillis / 1000, event.level === 'error');
}

interface Logger {
  warn(obj: object, msg: string): void;
}

// Return timestamptz and bigint count() values in a JSON-friendly way on both drivers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export async function createDatabase(
  config: DatabaseConfig,
  log?: Logger,
  observer?: DatabaseObserver,
): Promise<Database> {
  return config.driver === 'pg'
    ? createPg(config.url, config.poolMax, log, observer)
    : createPglite(config.dir, config.sharedBuffers, observer);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type Query = (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;
const MIGRATION_LOCK = 7_301_001;

async function migrateIn(
  query: Query,
  name: string,
  script: string,
  exec: (s: string) => Promise<unknown> = query,
): Promise<boolean> {
  await query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
  await query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const { rows } = await query('SELECT 1 FROM schema_migrations WHERE name = $1', [name]);
  if (rows.length > 0) return false;
  await exec(script);
  await query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
  return true;
}

function createPg(url: string, max: number, log?: Logger, observer?: DatabaseObserver): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client whose server went away emits 'error'; unhandled, it would crash the process.
  pool.on('error', (err) => log?.warn({ err: { message: err.message } }, 'database connection lost'));
  // pg emits 'error' on a checked-out client whose connection dies, where the pool has no listener:
  // without this one the process would crash when the database goes away mid-query.
  pool.on('connect', (client) =>
    client.on('error', (err) => log?.warn({ err: { message: err.message } }, 'database connection lost')),
  );
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: observe(observer) });
  let closed = false;
  return {
    db,
    driver: 'pg',
    async applyMigration(name, script) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const applied = await migrateIn((text, params) => client.query(text, params), name, script);
        await client.query('COMMIT');
        return applied;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    ping: (timeoutMs = 2000) =>
      withTimeout(
        sql`select 1`.execute(db).then(() => undefined),
        timeoutMs,
      ),
    pool: () => ({
      inUse: pool.totalCount - pool.idleCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max,
    }),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

async function createPglite(
  dir: string | null,
  sharedBuffers: string | undefined,
  observer?: DatabaseObserver,
): Promise<Database> {
  const client = await openPglite(dir, { sharedBuffers });
  const dialect = new PGliteDialect(client);
  const db = new Kysely<DB>({ dialect, log: observe(observer) });
  let closed = false;
  return {
    db,
    driver: 'pglite',
    applyMigration(name, script) {
      // Holding Kysely's connection keeps every other query out while the raw client runs the script.
      return db.connection().execute(async () => {
        await client.exec('BEGIN');
        try {
          const applied = await migrateIn(
            (text, params) => client.query(text, params),
            name,
            script,
            (s) => client.exec(s),
          );
          await client.exec('COMMIT');
          return applied;
        } catch (err) {
          await client.exec('ROLLBACK').catch(() => undefined);
          throw err;
        }
      });
    },
    ping: (timeoutMs = 2000) =>
      withTimeout(
        sql`select 1`.execute(db).then(() => undefined),
        timeoutMs,
      ),
    pool: () => {
      const { held, waiting } = dialect.stats();
      return { inUse: held ? 1 : 0, idle: held ? 0 : 1, waiting, max: 1 };
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
