import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'testweb-loads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The packages a browser engine needs only while it runs: each costs tens of MB resident once imported
// (playwright-core alone ~90 MB), so the server must not import them at start (bench/footprint).
const HEAVY =
  /\/node_modules\/(playwright-core|playwright|@axe-core\/playwright|lighthouse|chrome-remote-interface)\//;

/** The URLs the ESM loader loads while a fresh Node process imports `entry` (through tsx). */
async function modulesLoadedBy(entry: string): Promise<string[]> {
  const file = path.join(dir, `${path.basename(entry)}.txt`);
  const script = `
    import { register } from 'node:module';
    register(${JSON.stringify(new URL('./load-recorder.mjs', import.meta.url).href)}, { data: { file: ${JSON.stringify(file)} } });
    await import(${JSON.stringify(entry)});
  `;
  await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    timeout: 120_000,
  });
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

describe('what the server loads at start', () => {
  it('imports the app graph without the browser engines’ heavy packages', { timeout: 150_000 }, async () => {
    const loaded = await modulesLoadedBy(new URL('../../src/app.ts', import.meta.url).href);
    // The recorder works: the app and its database driver went through it.
    expect(loaded.some((u) => u.endsWith('/src/app.ts'))).toBe(true);
    expect(loaded.some((u) => u.includes('/node_modules/@electric-sql/pglite/'))).toBe(true);
    expect(loaded.filter((u) => HEAVY.test(u))).toEqual([]);
  });
});
