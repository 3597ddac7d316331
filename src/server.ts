import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { closeOnSignals } from './shutdown.ts';
import type { LoadedConfig } from './config/index.ts';

/**
 * Starts the API process (with a queue worker unless `worker: false`, i.e. `serve --no-worker`) and closes
 * it gracefully on SIGTERM/SIGINT: stop accepting, let in-flight requests finish, let running tests finish
 * or hand them back to the queue, close the database, exit 0 — or exit 1 past SHUTDOWN_TIMEOUT.
 */
export async function startServer(
  { config, notices }: LoadedConfig,
  { worker = true }: { worker?: boolean } = {},
): Promise<FastifyInstance> {
  const app = await buildApp({ config, worker });
  for (const notice of notices) app.log.warn(notice);
  closeOnSignals(app, config.shutdownTimeoutMs);
  await app.listen({ port: config.port, host: config.host });
  return app;
}
