import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { POSTGRES_URL, REDIS_URL, TEST_DATABASES } from '../support/databases.ts';
import { dropKeys } from '../support/redis.ts';
import { spawnWorker, type ChildWorker } from '../queue/support/child-worker.ts';
import {
  buildMonitoringApp,
  INTERVAL,
  INTERVAL_MS,
  instances,
  waitForInstances,
} from './support/monitoring-app.ts';

/**
 * A deployment on one PostgreSQL and one Redis: two API processes (`serve --no-worker`, listening) and a
 * worker, built in this test process, plus a real `testweb worker` child process that the test kills.
 */
describe.runIf(POSTGRES_URL && REDIS_URL)('instances across processes on PostgreSQL + Redis', () => {
  const id = randomBytes(4).toString('hex');
  const env = {
    REDIS_URL: REDIS_URL!,
    REDIS_KEY_PREFIX: `twmon-${id}:`,
    QUEUE_PREFIX: `twmon-${id}`,
    MONITORING_INTERVAL: INTERVAL,
    WORKER_CONCURRENCY: '3',
  };
  let apis: FastifyInstance[] = [];
  let worker: FastifyInstance;
  let child: ChildWorker | undefined;
  let admin: TestUser;
  let database: Awaited<ReturnType<(typeof TEST_DATABASES)[number]['create']>>;

  beforeAll(async () => {
    database = await TEST_DATABASES.find((d) => d.name === 'postgres')!.create();
    apis = [
      await buildMonitoringApp(env, database.config, { worker: false, listen: true }),
      await buildMonitoringApp(env, database.config, { worker: false, listen: true }),
    ];
    worker = await buildMonitoringApp(env, database.config, { worker: true });
    admin = await registerUser(apis[0]!);
  });
  afterAll(async () => {
    await child?.kill('SIGKILL');
    await Promise.allSettled([...apis, worker].map((a) => a?.close()));
    await database?.drop();
    await dropKeys([`${env.QUEUE_PREFIX}:*`, `${env.REDIS_KEY_PREFIX}*`]);
  });

  it('shows two API processes and one worker, from either API process', async () => {
    const items = await waitForInstances(
      apis[1]!,
      admin.auth,
      (list) => list.filter((i) => i.status === 'up').length === 3,
      10_000,
      'three instances up',
    );
    expect(items.map((i) => i.role).sort()).toEqual(['api', 'api', 'worker']);
    expect(items.find((i) => i.role === 'worker')).toMatchObject({ concurrency: 3, pid: process.pid });
    const overview = (await apis[0]!.inject({ url: '/api/monitoring/overview', headers: admin.auth })).json();
    expect(overview.instances).toMatchObject({ status: 'ok', up: 3, down: 0 });
    expect(overview.queue).toMatchObject({ status: 'ok', workers: 1, slots: 3, waiting: 0 });
    expect(overview.redis).toMatchObject({ status: 'ok' });
  });

  it('marks a killed worker down within three intervals of its last heartbeat', async () => {
    child = spawnWorker({ ...env, DATABASE_URL: database.url! });
    await child.waitFor('ready');
    const pid = child.process.pid!;
    await waitForInstances(
      apis[0]!,
      admin.auth,
      (list) => list.some((i) => i.pid === pid && i.status === 'up'),
      10_000,
      'the child worker up',
    );
    await child.kill('SIGKILL');
    const killedAt = Date.now();
    // Down once three intervals passed since its last heartbeat (at most one interval before the kill);
    // the deadline is five times that.
    const seen = await waitForInstances(
      apis[1]!,
      admin.auth,
      (list) => list.some((i) => i.pid === pid && i.status === 'down'),
      5 * 4 * INTERVAL_MS,
      'the killed worker marked down',
    );
    const elapsed = Date.now() - killedAt;
    expect(elapsed).toBeGreaterThanOrEqual(2 * INTERVAL_MS);
    // Down as soon as the third heartbeat was missed (the first poll after it, every 50 ms, may be a little late).
    expect(seen.find((i) => i.pid === pid)!.missedHeartbeats).toBeLessThanOrEqual(5);
    const overview = (await apis[0]!.inject({ url: '/api/monitoring/overview', headers: admin.auth })).json();
    expect(overview.instances.status).toBe('degraded');
    expect(overview.instances.reason).toContain(`:${pid}:`);
    expect(overview.status).not.toBe('ok');
  });

  it('shows a worker that shut down gracefully as stopped, and the queue without a worker', async () => {
    const before = await instances(apis[0]!, admin.auth);
    const own = before.find((i) => i.role === 'worker' && i.pid === process.pid && i.status === 'up')!;
    await worker.close();
    const after = await instances(apis[0]!, admin.auth);
    expect(after.find((i) => i.id === own.id)).toMatchObject({ status: 'stopped' });
    const overview = (await apis[1]!.inject({ url: '/api/monitoring/overview', headers: admin.auth })).json();
    expect(overview.queue).toMatchObject({ status: 'degraded', workers: 0 });
    expect(overview.queue.reason).toContain('no worker');
  });
});
