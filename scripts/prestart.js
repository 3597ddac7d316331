/**
 * What `npm start` runs first, in one plain Node process: compiles the server to dist/ when stale
 * (scripts/server-build.js) and builds the dashboard when web/dist is missing or older than its sources
 * (the test of scripts/web-build.ts --if-stale, which it then runs). When nothing changed it costs a Node
 * start and a few hundred stat calls, not a tsx start (~0.35 s of CPU, bench/footprint).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newestMtime, ROOT, serverBuildCommand } from './server-build.js';

function webIsStale() {
  const built = join(ROOT, 'web', 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((p) => join(ROOT, 'web', p));
  const newest = Math.max(...[...sources, join(ROOT, 'package-lock.json')].map(newestMtime));
  return newest > statSync(built).mtimeMs;
}

serverBuildCommand(['--if-stale', '--no-check']);
if (webIsStale()) {
  const args = ['--import', 'tsx', join(ROOT, 'scripts', 'web-build.ts'), '--if-stale'];
  const { status } = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}
