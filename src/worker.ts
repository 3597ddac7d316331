import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { LoadedConfig } from './config/index.ts';
import type { TestEngine } from './modules/tests/engines/engine.ts';

export interface WorkerOptions {
  /** Engines beyond the product's (test fixtures and benchmarks only). */
  extraEngines?: TestEngine[];
}

/**
 * The worker process (`testweb worker`): the same app graph as the API, built without listening, so it
 * runs queue consumers only. SIGTERM/SIGINT close it gracefully: no new tests, running ones get part of
 * SHUTDOWN_TIMEOUT to finish, the rest go back to the queue; exit 0, or 1 if closing overruns.
 */
export async function startWorker({ config, notices }: LoadedConfig, options: WorkerOptions = {}): Promise<FastifyInstance> {
  const app = await buildApp({ config, worker: true, extraEngines: options.extraEngines });
  for (const notice of notices) app.log.warn(notice);
  closeOnSignals(app, config.shutdownTimeoutMs);
  await app.ready();
  app.log.info({ concurrency: config.workerConcurrency, driver: app.testQueue.driver.kind }, 'worker started');
  return app;
}

/** Closes the app once on SIGTERM/SIGINT and exits: 0 when closed in time, 1 otherwise. */
export function closeOnSignals(app: FastifyInstance, timeoutMs: number): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
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
}
