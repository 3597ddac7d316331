import { buildWeb, webBuildIsStale } from '../../scripts/web-build.ts';

/**
 * Vitest global setup: the dashboard suites (test/web) serve web/dist, so it is built once before any
 * suite runs when it is missing or older than its sources (a second or two with Vite 8).
 */
export default async function setup(): Promise<void> {
  if (webBuildIsStale()) await buildWeb();
}
