import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

/**
 * Vitest global setup: one migrated PGlite data directory for the run (in /dev/shm when the machine has
 * it), which every suite's embedded database copies instead of running initdb and the migrations again.
 * Made afresh on each run, so it always holds the current migrations; removed with every copy at the end.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const root = mkdtempSync(path.join(base, 'testweb-pglite-'));
  const template = path.join(root, 'template');
  const maker = path.join(import.meta.dirname, 'pglite-template.make.ts');
  await promisify(execFile)(process.execPath, ['--import', 'tsx', maker, template], { timeout: 120_000 });
  project.provide('pgliteTemplate', template);
  return () => rmSync(root, { recursive: true, force: true });
}
