import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { buildApp } from '../../../src/app.ts';
import type { DatabaseConfig } from '../../../src/config/index.ts';
import type { EventMap, TestEventName as EventName } from '../../../src/shared/events/index.ts';
import { testConfig } from '../../support/app.ts';
import { dropKeys } from '../../support/redis.ts';
import { waitFor } from '../../support/wait.ts';
import { REDIS_URL, TEST_DATABASES, type TestDatabase } from '../../support/databases.ts';
import { testEngines } from './test-engines.ts';

export type DriverName = 'embedded' | 'bullmq';

export interface QueueMode {
  name: string;
  driver: DriverName;
  database: TestDatabase;
}

/** Every database × driver combination available here: embedded always, BullMQ when a test Redis is set. */
export const QUEUE_MODES: QueueMode[] = TEST_DATABASES.flatMap((database) => [
  { name: `embedded on ${database.name}`, driver: 'embedded' as const, database },
  ...(REDIS_URL ? [{ name: `bullmq on ${database.name}`, driver: 'bullmq' as const, database }] : []),
]);

if (!REDIS_URL)
  console.error(
    '[test] TESTWEB_TEST_REDIS_URL is not set: queue suites run on the embedded driver only (BullMQ skipped)',
  );

/** Env of an isolated queue: its own BullMQ prefix and Redis key prefix, fast backoff and stall checks. */
export function queueEnv(driver: DriverName, extra: Record<string, string> = {}): Record<string, string> {
  const id = randomBytes(4).toString('hex');
  return {
    QUEUE_PREFIX: `twtest-${id}`,
    REDIS_KEY_PREFIX: `twtest-${id}:`,
    QUEUE_BACKOFF: '200ms',
    QUEUE_STALLED_INTERVAL: '1s',
    WORKER_CONCURRENCY: '2',
    ...(driver === 'bullmq' ? { REDIS_URL: REDIS_URL! } : {}),
    ...extra,
  };
}

export async function buildQueueApp(
  env: Record<string, string>,
  database: DatabaseConfig,
  opts: { worker?: boolean; hangCompletes?: boolean } = {},
): Promise<FastifyInstance> {
  const app = await buildApp({
    config: testConfig(env, database),
    extraEngines: testEngines(opts.hangCompletes),
    worker: opts.worker ?? true,
  });
  await app.ready();
  return app;
}

/** Deletes every Redis key of the env's prefixes (never FLUSHALL: others share this Redis). */
export const cleanRedis = (env: Record<string, string>): Promise<void> =>
  dropKeys([`${env.QUEUE_PREFIX}:*`, `${env.REDIS_KEY_PREFIX}*`]);

export { waitFor };

/** Records every event of the given names the app's bus delivers. */
export function recordEvents(
  app: FastifyInstance,
  names: EventName[],
): Array<{ name: EventName; payload: EventMap[EventName]; at: number }> {
  const seen: Array<{ name: EventName; payload: EventMap[EventName]; at: number }> = [];
  for (const name of names)
    app.events.subscribe(name, (payload) => void seen.push({ name, payload, at: Date.now() }));
  return seen;
}
