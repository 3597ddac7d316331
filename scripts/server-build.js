/**
 * Compiles the server to dist/ with tsc (`npm run build`), and says whether dist/ is older than its
 * sources. `npm start` runs it first (scripts/prestart.js: `--if-stale --no-check`), so the server
 * starts as plain JavaScript: under tsx the process also carries a loader thread, an esbuild service and a tsx parent
 * process (~110 MB of the tree, bench/footprint). --no-check skips type checking (tsc then takes ~8 s of
 * CPU instead of ~27 s); `npm run typecheck` and `npm run build` check.
 *
 * A build writes dist/.build-stamp last: a build that failed half-way leaves no stamp, and bin/testweb.js
 * runs the TypeScript sources through tsx whenever the stamp is missing or older than a source.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.build-stamp');
const SOURCES = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** The newest modification time of a file or of everything under a directory (0 when missing). */
export function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newestMtime(join(path, entry)));
  return max;
}

/** True when dist/ was never fully built or a source changed since. */
export function distIsStale() {
  if (!existsSync(STAMP)) return true;
  return Math.max(...SOURCES.map((p) => newestMtime(join(ROOT, p)))) > statSync(STAMP).mtimeMs;
}

/** The compiled entry of the `testweb` command. */
export const DIST_ENTRY = join(DIST, 'cli', 'index.js');

function tscPath() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return null; // `npm install --omit=dev`: no compiler, the server runs through tsx
  }
}

/** Rebuilds dist/ from scratch; false when TypeScript is not installed or tsc failed. */
export function buildServer({ check = true } = {}) {
  const tsc = tscPath();
  if (!tsc) return false;
  rmSync(DIST, { recursive: true, force: true });
  const args = [tsc, '-p', join(ROOT, 'tsconfig.build.json'), ...(check ? [] : ['--noCheck'])];
  const { status } = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (status !== 0) return false;
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  return true;
}

/** The command line: `--if-stale` builds only when dist/ is stale, `--no-check` skips type checking. */
export function serverBuildCommand(argv) {
  const ifStale = argv.includes('--if-stale');
  if (ifStale && !distIsStale()) return;
  const started = Date.now();
  if (ifStale) console.log('server: compiling src/ to dist/…');
  const built = buildServer({ check: !argv.includes('--no-check') });
  if (built) console.log(`server: compiled in ${Date.now() - started} ms`);
  // Without a fresh dist/ the server still starts, from its TypeScript sources through tsx.
  else if (ifStale)
    console.log('server: not compiled (TypeScript missing or tsc failed); running through tsx');
  else process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) serverBuildCommand(process.argv.slice(2));
