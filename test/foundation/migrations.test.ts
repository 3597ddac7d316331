import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDatabase,
  migrate,
  MigrationError,
  MIGRATIONS_DIR,
  type Database,
} from '../../src/shared/db/index.ts';
import { POSTGRES_URL, TEST_DATABASES } from '../support/databases.ts';

async function tables(database: Database): Promise<string[]> {
  const { rows } = await sql<{
    table_name: string;
  }>`select table_name from information_schema.tables where table_schema = 'public' order by 1`.execute(
    database.db,
  );
  return rows.map((r) => r.table_name);
}

describe.each(TEST_DATABASES)('migrations on $name', (target) => {
  let cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.reverse()) await fn();
    cleanup = [];
  });

  async function fresh(): Promise<Database> {
    const created = await target.create({ empty: true });
    const database = await createDatabase(created.config);
    cleanup.push(created.drop, () => database.close());
    return database;
  }

  it('applies every migration once and records it', async () => {
    const database = await fresh();
    const first = await migrate(database);
    expect(first[0]).toBe('001-users.sql');
    expect(await migrate(database)).toEqual([]);
    expect(await tables(database)).toEqual(
      expect.arrayContaining([
        'users',
        'refresh_sessions',
        'oauth_identities',
        'mfa_backup_codes',
        'schema_migrations',
      ]),
    );
  });

  it('rolls a failing migration back whole and stops there', async () => {
    const database = await fresh();
    const dir = mkdtempSync(path.join(tmpdir(), 'testweb-migrations-'));
    writeFileSync(path.join(dir, '001-good.sql'), 'CREATE TABLE good (id int PRIMARY KEY);');
    writeFileSync(
      path.join(dir, '002-bad.sql'),
      'CREATE TABLE half_done (id int);\nINSERT INTO good VALUES (1);\nSELECT no_such_function();',
    );
    writeFileSync(path.join(dir, '003-after.sql'), 'CREATE TABLE after_bad (id int);');
    await expect(migrate(database, dir)).rejects.toThrow(MigrationError);
    await expect(migrate(database, dir)).rejects.toThrow(/migration 002-bad.sql failed/);
    const names = await tables(database);
    expect(names).toContain('good');
    expect(names).not.toContain('half_done');
    expect(names).not.toContain('after_bad');
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from good`.execute(database.db);
    expect(rows[0]!.n).toBe(0);
    const recorded = await database.db.selectFrom('schema_migrations').select('name').execute();
    expect(recorded.map((r) => r.name)).toEqual(['001-good.sql']);
  });

  it('ships migrations that parse on this database', async () => {
    const database = await fresh();
    await migrate(database, MIGRATIONS_DIR);
    await expect(database.ping()).resolves.toBeUndefined();
  });
});

// Only a database server has several processes migrating it at once.
describe.runIf(POSTGRES_URL)('migrations on a shared PostgreSQL', () => {
  it('lets several processes migrate at once, applying each migration once', async () => {
    const created = await TEST_DATABASES.find((d) => d.name === 'postgres')!.create();
    const instances = await Promise.all([1, 2, 3].map(() => createDatabase(created.config)));
    try {
      const results = await Promise.all(instances.map((db) => migrate(db)));
      const applied = results.flat();
      expect(applied.filter((name) => name === '001-users.sql')).toHaveLength(1);
      expect(new Set(applied).size).toBe(applied.length);
    } finally {
      for (const db of instances) await db.close();
      await created.drop();
    }
  });
});
