#!/usr/bin/env node
// Runs the compiled entry when dist/ is fresh (`npm run build`, or the build `npm start` makes first), else
// the TypeScript sources through tsx, so an edit is never hidden behind an old build.
import { pathToFileURL } from 'node:url';
import { DIST_ENTRY, distIsStale } from '../scripts/server-build.js';

if (!distIsStale()) {
  await import(pathToFileURL(DIST_ENTRY).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/index.ts', import.meta.url).href);
}
