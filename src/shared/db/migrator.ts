import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    super(`migration ${migration} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'MigrationError';
  }
}

/**
 * Applies every `NNN-name.sql` in order, each in its own transaction: a failing migration is rolled back
 * whole, stops the run, and leaves the database as the previous migration left it.
 */
export async function migrate(database: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  for (const file of files) {
    const script = await readFile(path.join(dir, file), 'utf8');
    try {
      if (await database.applyMigration(file, script)) applied.push(file);
    } catch (err) {
      throw new MigrationError(file, err);
    }
  }
  return applied;
}
