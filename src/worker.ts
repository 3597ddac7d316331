import { closeOnSignals } from './shutdown.ts';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { LoadedConfig } from './config/index.ts';
import type { TestEngine } from './engines/engine.ts';

export interface WorkerOptions {
  /** Engines beyond the product's (test fixtures and benchmarks only). */
  extraEngines?: TestEngine[];
}

/**
 * The worker process (`testweb worker`): the same app graph as the API, built without listening, so it
 * runs queue consumers only. SIGTERM/SIGINT close it gracefully: no new tests, running ones get part of
 * SHUTDOWN_TIMEOUT to finish, the rest go back to the queue; exit 0, or 1 if closing overruns.
 */
export async function startWorker(
  { config, notices }: LoadedConfig,
  options: WorkerOptions = {},
): Promise<FastifyInstance> {
  const app = await buildApp({ config, worker: true, extraEngines: options.extraEngines });
  for (const notice of notices) app.log.warn(notice);
  closeOnSignals(app, config.shutdownTimeoutMs);
  await app.ready();
  app.log.info(
    { concurrency: config.workerConcurrency, driver: app.testQueue.driver.kind },
    'worker started',
  );
  return app;
}
