import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { DatabaseConfig } from '../../src/config/index.ts';
import { embeddedDatabase } from './pglite-template.ts';

/** A database a suite runs against: embedded PGlite always (a copy of the run's migrated template), PostgreSQL when TESTWEB_TEST_DATABASE_URL is set. */
export interface TestDatabase {
  name: 'pglite' | 'postgres';
  /**
   * Creates a fresh database; `drop` removes it. PostgreSQL's is empty; the embedded one is a copy of the
   * run's migrated template unless `empty` asks for a blank one (initdb only, no migrations).
   */
  create(options?: {
    empty?: boolean;
  }): Promise<{ config: DatabaseConfig; url: string | null; drop(): Promise<void> }>;
}

export const POSTGRES_URL = process.env.TESTWEB_TEST_DATABASE_URL;
export const REDIS_URL = process.env.TESTWEB_TEST_REDIS_URL;

const pglite: TestDatabase = {
  name: 'pglite',
  create: async ({ empty = false } = {}) => {
    if (empty) return { config: { driver: 'pglite', dir: null }, url: null, drop: async () => undefined };
    const { config, drop } = embeddedDatabase();
    return { config, url: null, drop: async () => drop() };
  },
};

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const postgres: TestDatabase = {
  name: 'postgres',
  async create() {
    const name = `testweb_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = withDatabase(POSTGRES_URL!, name);
    return {
      url,
      config: { driver: 'pg', url, poolMax: 5 },
      async drop() {
        const c = new pg.Client({ connectionString: POSTGRES_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  },
};

/** The databases every database suite runs on (use with describe.each). */
export const TEST_DATABASES: TestDatabase[] = POSTGRES_URL ? [pglite, postgres] : [pglite];

if (!POSTGRES_URL) {
  console.error(
    '[test] TESTWEB_TEST_DATABASE_URL is not set: database suites run on PGlite only (PostgreSQL skipped)',
  );
}
