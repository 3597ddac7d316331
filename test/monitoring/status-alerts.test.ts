import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformSample } from '../../src/shared/events/index.ts';
import { createSamplesRepository } from '../../src/modules/monitoring/samples.repository.ts';
import { registerUser, type TestUser } from '../support/app.ts';
import { REDIS_URL, TEST_DATABASES } from '../support/databases.ts';
import { dropKeys } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { expectToHold } from '../queue/support/quiet.ts';
import { connectAuthed, type Client } from '../realtime/realtime-helpers.ts';
import { buildMonitoringApp, INTERVAL_MS, portOf } from './support/monitoring-app.ts';

/** A process that crashed: its last heartbeat ten intervals ago, never a stop. */
async function recordCrashedWorker(app: FastifyInstance): Promise<string> {
  const id = `crashed-host:4242:${randomBytes(3).toString('hex')}`;
  const at = Date.now() - 10 * INTERVAL_MS;
  const sample = { instanceId: id, role: 'worker', at: new Date(at).toISOString() } as PlatformSample;
  await createSamplesRepository(app.database.db).record(
    {
      id,
      role: 'worker',
      host: 'crashed-host',
      pid: 4242,
      version: '0.1.0',
      startedAt: at - 60_000,
      concurrency: 2,
      running: 0,
    },
    sample,
  );
  return id;
}

const statusRow = (app: FastifyInstance) =>
  app.database.db.selectFrom('monitoring_status').select('status').executeTakeFirstOrThrow();

const SETUPS = [
  { name: 'embedded', database: TEST_DATABASES[0]!, redis: false, apis: 1 },
  ...(REDIS_URL
    ? [{ name: 'services, two API processes', database: TEST_DATABASES.at(-1)!, redis: true, apis: 2 }]
    : []),
];

describe.each(SETUPS)('monitoring.status on system-alerts ($name)', (setup) => {
  const id = randomBytes(4).toString('hex');
  const env: Record<string, string> = setup.redis
    ? { REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: `twstat-${id}:`, QUEUE_PREFIX: `twstat-${id}` }
    : {};
  const apps: FastifyInstance[] = [];
  let admin: TestUser;
  let socket: Client;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await setup.database.create();
    drop = created.drop;
    for (let i = 0; i < setup.apis; i++)
      apps.push(await buildMonitoringApp(env, created.config, { listen: true, worker: i === 0 }));
    admin = await registerUser(apps[0]!);
  });
  afterAll(async () => {
    socket?.close();
    await Promise.allSettled(apps.map((a) => a.close()));
    await drop?.();
    if (setup.redis) await dropKeys([`${env.QUEUE_PREFIX}:*`, `${env.REDIS_KEY_PREFIX}*`]);
  });

  it('reaches an admin once when the overall status changes', async () => {
    const last = apps.at(-1)!;
    await waitFor(
      async () => (await statusRow(last)).status === 'ok',
      20_000,
      'the platform status to be ok',
    );
    socket = await connectAuthed(`ws://127.0.0.1:${portOf(last)}/ws`, admin.accessToken);
    expect((await socket.subscribe('system-alerts')).event).toBe('subscribed');

    const crashed = await recordCrashedWorker(apps[0]!);
    const message = await socket.event('monitoring.status', 'system-alerts', 10_000);
    expect(message.data).toMatchObject({ status: 'degraded', previous: 'ok' });
    const problems = message.data.problems as Array<{ component: string; status: string; reason: string }>;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ component: 'instances', status: 'degraded' });
    expect(problems[0]!.reason).toContain(crashed);
    // Every process evaluates the status; the compare-and-set lets one of them announce the change.
    await expectToHold(
      () => socket.channelMessages('system-alerts').every((m) => m.event !== 'monitoring.status'),
      10 * INTERVAL_MS,
      'no second monitoring.status for the same change',
    );
  });
});
