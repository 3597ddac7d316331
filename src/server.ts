import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { LoadedConfig } from './config/index.ts';

/**
 * Starts the API process (with a queue worker unless `worker: false`, i.e. `serve --no-worker`) and closes
 * it gracefully on SIGTERM/SIGINT: stop accepting, let in-flight requests finish, let running tests finish
 * or hand them back to the queue, close the database, exit 0 — or exit 1 past SHUTDOWN_TIMEOUT.
 */
export async function startServer({ config, notices }: LoadedConfig, { worker = true }: { worker?: boolean } = {}): Promise<FastifyInstance> {
  const app = await buildApp({ config, worker });
  for (const notice of notices) app.log.warn(notice);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
  return app;
}
