import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../../src/config/index.ts';
import { registerUser, type TestUser } from '../support/app.ts';
import { POSTGRES_URL, REDIS_URL, TEST_DATABASES } from '../support/databases.ts';
import { spawnWorker, type ChildWorker } from './support/child-worker.ts';
import { buildQueueApp, cleanRedis, queueEnv, waitFor } from './support/queue-app.ts';

interface TestView {
  status: string;
  attempts: number;
}

async function submitHang(app: FastifyInstance, user: TestUser): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/tests',
    headers: user.auth,
    payload: { type: 'hang', url: 'http://127.0.0.1:9/hang' },
  });
  expect(res.statusCode).toBe(202);
  return res.json<{ testId: string }>().testId;
}

const view = async (app: FastifyInstance, user: TestUser, testId: string) =>
  (await app.inject({ method: 'GET', url: `/api/tests/${testId}`, headers: user.auth })).json<TestView>();
const until = (app: FastifyInstance, user: TestUser, testId: string, status: string, timeoutMs = 20_000) =>
  waitFor(
    async () => {
      const v = await view(app, user, testId);
      return v.status === status ? v : undefined;
    },
    timeoutMs,
    `${testId} to be ${status}`,
  );

async function resultRows(app: FastifyInstance, testId: string): Promise<number> {
  const rows = await app.database.db
    .selectFrom('test_results')
    .select('test_id')
    .where('test_id', '=', testId)
    .execute();
  return rows.length;
}

describe('embedded driver: restarts (PGlite on disk)', () => {
  const apps: FastifyInstance[] = [];
  const children: ChildWorker[] = [];
  const dirs: string[] = [];

  afterEach(async () => {
    for (const c of children.splice(0)) await c.kill('SIGKILL');
    for (const a of apps.splice(0)) await a.close();
  });
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  function fresh(): { env: Record<string, string>; database: DatabaseConfig } {
    const dir = mkdtempSync(path.join(tmpdir(), 'testweb-queue-'));
    dirs.push(dir);
    return {
      env: queueEnv('embedded', { DATA_DIR: dir, SHUTDOWN_TIMEOUT: '1s' }),
      database: { driver: 'pglite', dir: path.join(dir, 'pgdata') },
    };
  }

  // Graceful shutdown inside one process (hand-back, then the next worker runs it): graceful-shutdown.test.ts, every mode.

  it('a worker process stopped with SIGTERM hands its running test back and exits 0', async () => {
    const { env, database } = fresh();
    const first = await buildQueueApp(env, database, { worker: false });
    const user = await registerUser(first);
    const testId = await submitHang(first, user);
    await first.close();
    const child = spawnWorker({ ...env, SHUTDOWN_TIMEOUT: '3s' });
    children.push(child);
    await child.waitFor(`started ${testId}`);
    expect(await child.kill('SIGTERM')).toBe(0);
    const after = await buildQueueApp(env, database, { worker: false });
    apps.push(after);
    expect(await view(after, user, testId)).toMatchObject({ status: 'queued', attempts: 0 });
  }, 180_000);

  it('re-runs a test whose worker process was killed with SIGKILL, storing its result once', async () => {
    const { env, database } = fresh();
    const first = await buildQueueApp(env, database, { worker: false });
    const user = await registerUser(first);
    const testId = await submitHang(first, user);
    await first.close();
    const child = spawnWorker(env);
    children.push(child);
    await child.waitFor(`started ${testId}`);
    await child.kill('SIGKILL');
    const restarted = await buildQueueApp(env, database, { hangCompletes: true });
    apps.push(restarted);
    expect(await until(restarted, user, testId, 'completed')).toMatchObject({ attempts: 2 });
    expect(await resultRows(restarted, testId)).toBe(1);
  }, 180_000);
});

const services = POSTGRES_URL && REDIS_URL;
if (!services)
  console.error(
    '[test] services-mode recovery (BullMQ across processes) needs TESTWEB_TEST_DATABASE_URL and TESTWEB_TEST_REDIS_URL: skipped',
  );

// Skipped without PostgreSQL and Redis: two processes cannot share an embedded database.
describe.skipIf(!services)('BullMQ driver: several processes (PostgreSQL + Redis)', () => {
  const env = queueEnv('bullmq');
  let api: FastifyInstance;
  let taker: FastifyInstance | undefined;
  let child: ChildWorker;
  let user: TestUser;
  let db: { config: DatabaseConfig; url: string | null; drop(): Promise<void> };

  beforeAll(async () => {
    db = await TEST_DATABASES.find((d) => d.name === 'postgres')!.create();
    api = await buildQueueApp(env, db.config, { worker: false });
    user = await registerUser(api);
    child = spawnWorker({ ...env, DATABASE_URL: db.url! });
    await child.waitFor('ready');
  }, 180_000);

  afterAll(async () => {
    await child?.kill('SIGKILL');
    await taker?.close();
    await api?.close();
    await db?.drop();
    await cleanRedis(env);
  });

  it('cancels a test running in another process within 2 s', async () => {
    const testId = await submitHang(api, user);
    await child.waitFor(`started ${testId}`);
    const started = Date.now();
    expect(
      (await api.inject({ method: 'POST', url: `/api/queue/jobs/${testId}/cancel`, headers: user.auth }))
        .statusCode,
    ).toBe(200);
    // The job leaves BullMQ's active set once the other process's engine stopped and its processor returned.
    await waitFor(
      async () => (await api.testQueue.driver.holds([testId])).size === 0,
      2000,
      'the remote engine to stop',
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await view(api, user, testId)).toMatchObject({ status: 'cancelled', attempts: 1 });
  }, 120_000);

  it('re-runs a test whose worker was killed with SIGKILL on another worker, storing its result once', async () => {
    const testId = await submitHang(api, user);
    await child.waitFor(`started ${testId}`);
    await child.kill('SIGKILL');
    // A second worker: BullMQ's stalled check (QUEUE_STALLED_INTERVAL=1s) hands it the dead worker's job.
    taker = await buildQueueApp(env, db.config, { hangCompletes: true });
    expect(await until(api, user, testId, 'completed', 30_000)).toMatchObject({ attempts: 2 });
    expect(await resultRows(api, testId)).toBe(1);
  }, 120_000);
});
