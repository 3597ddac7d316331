import { PGlite } from '@electric-sql/pglite';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface PgliteOptions {
  /**
   * PostgreSQL's `shared_buffers` (e.g. `16MB`), PostgreSQL's 128MB when absent. PGlite writes the whole
   * pool into its WebAssembly memory at start, so it is resident from the first second: 16MB takes
   * ~145 MB off an idle process, and costs ~15 % of a write-heavy loop once the data outgrows it.
   */
  sharedBuffers?: string;
}

function startParams({ sharedBuffers }: PgliteOptions): string[] {
  const params = [...PGlite.defaultStartParams];
  return sharedBuffers ? [...params, '-c', `shared_buffers=${sharedBuffers}`] : params;
}

// Runs in a child Node process (plain JavaScript, so it needs no TypeScript loader): argv is the
// PGlite module's URL, the data directory and the start parameters.
const INIT_SCRIPT = `
const [url, dir, params] = process.argv.slice(1);
const { PGlite } = await import(url);
const db = new PGlite(dir, { startParams: JSON.parse(params) });
await db.waitReady;
await db.close();
`;

/**
 * Creates a new data directory in a short-lived child process. initdb inside PGlite runs a second
 * WebAssembly PostgreSQL beside the first and leaves ~750 MB resident in the process that ran it, against
 * ~150 MB for opening an existing directory; the child takes that peak and gives it back when it exits.
 */
function initializeDataDir(dir: string, params: string[]): Promise<void> {
  const pgliteUrl = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href;
  const args = ['--input-type=module', '-e', INIT_SCRIPT, pgliteUrl, dir, JSON.stringify(params)];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 1024 * 1024 }, (err, _stdout, stderr) => {
      if (err)
        reject(new Error(`could not initialize the embedded database in ${dir}: ${stderr || err.message}`));
      else resolve();
    });
  });
}

/** Opens PGlite on `dir` (created and initialized when new) or, with `dir` null, in memory. */
export async function openPglite(dir: string | null, options: PgliteOptions = {}): Promise<PGlite> {
  const params = startParams(options);
  if (dir) {
    mkdirSync(dir, { recursive: true });
    if (!existsSync(path.join(dir, 'PG_VERSION'))) await initializeDataDir(dir, params);
  }
  const client = dir ? new PGlite(dir, { startParams: params }) : new PGlite({ startParams: params });
  await client.waitReady;
  return client;
}
