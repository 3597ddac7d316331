import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import type { DatabaseConfig } from '../../src/config/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite data directory made once per run by pglite-template.setup.ts, or '' without one. */
    pgliteTemplate: string;
  }
}

let processRoot: string | null = null;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * This process's folder of copies. Vitest ends its workers without running exit handlers, so each process
 * first removes the folders of processes that are gone; the global teardown removes the rest.
 */
function copiesRoot(template: string): string {
  if (processRoot) return processRoot;
  const parent = path.dirname(template);
  for (const name of readdirSync(parent)) {
    const pid = /^copies-(\d+)$/.exec(name)?.[1];
    if (pid && !alive(Number(pid))) rmSync(path.join(parent, name), { recursive: true, force: true });
  }
  processRoot = path.join(parent, `copies-${process.pid}`);
  mkdirSync(processRoot, { recursive: true });
  return processRoot;
}

/**
 * A fresh embedded database for one app: a copy of the run's migrated template when there is one
 * (initdb and the migrations cost ~4 s of CPU per app; copying and opening ~1 s), else PGlite in memory.
 * Each copy is a database of its own: nothing one app writes is seen by another.
 */
export function embeddedDatabase(base: DatabaseConfig = { driver: 'pglite', dir: null }): {
  config: DatabaseConfig;
  /** Removes the copy; only once the app on it has closed. */
  drop(): void;
} {
  const template = inject('pgliteTemplate');
  if (base.driver !== 'pglite' || base.dir !== null || !template)
    return { config: base, drop: () => undefined };
  const dir = mkdtempSync(path.join(copiesRoot(template), 'db-'));
  cpSync(template, dir, { recursive: true });
  return { config: { ...base, dir }, drop: () => rmSync(dir, { recursive: true, force: true }) };
}
