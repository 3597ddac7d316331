/**
 * Builds the dashboard into web/dist with Vite: `npm run build:web`. With `--if-stale` (what `npm start`
 * runs first) it builds only when web/dist is missing or older than any file of web/src, web/public,
 * web/index.html, web/vite.config.ts or package-lock.json (mtimes compared), so a start after a pull or
 * an edit serves the new dashboard and an unchanged one starts at once.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = join(ROOT, 'web');
const DIST = join(WEB, 'dist');
/** The budget of the first page's JavaScript, gzipped (issue 15): the build fails above it. */
export const FIRST_PAGE_JS_BUDGET = 250 * 1024;

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

export function webBuildIsStale(): boolean {
  const built = join(DIST, 'index.html');
  if (!existsSync(built)) return true;
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((p) => newest(join(WEB, p)));
  return Math.max(...sources, newest(join(ROOT, 'package-lock.json'))) > statSync(built).mtimeMs;
}

/** The gzipped bytes of every script the first page loads before anything lazy: the entry and its preloads. */
export function firstPageJsBytes(): { bytes: number; files: string[] } {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const bytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(DIST, f))).length, 0);
  return { bytes, files };
}

export async function buildWeb(): Promise<void> {
  const { build } = await import('vite');
  // Vite follows NODE_ENV when it is set: under vitest (NODE_ENV=test) it would build React's development
  // runtime. The dashboard is always built for production.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  const { bytes } = firstPageJsBytes();
  if (bytes > FIRST_PAGE_JS_BUDGET) {
    throw new Error(
      `The first page's JavaScript is ${Math.round(bytes / 1024)} KiB gzipped (budget 250 KiB)`,
    );
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  if (process.argv.includes('--if-stale') && !webBuildIsStale()) process.exit(0);
  const started = Date.now();
  try {
    await import('vite');
  } catch {
    // `npm install --omit=dev` leaves out the build tools: the server still starts, with its landing page.
    console.log('dashboard: Vite is not installed (npm install without --omit=dev builds it); skipping');
    process.exit(0);
  }
  console.log('dashboard: building web/dist…');
  await buildWeb();
  const { bytes } = firstPageJsBytes();
  console.log(
    `dashboard: built in ${Date.now() - started} ms (first page JS ${Math.round(bytes / 1024)} KiB gzipped)`,
  );
}
