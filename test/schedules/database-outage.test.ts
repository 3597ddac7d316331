import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { POSTGRES_URL, TEST_DATABASES } from '../support/databases.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import {
  api,
  buildScheduleApp,
  queueEnv,
  ticksOf,
  waitFor,
  type ScheduleJson,
} from './support/schedule-app.ts';

const postgres = TEST_DATABASES.find((d) => d.name === 'postgres');

/** Downtime as a deployment sees it: PostgreSQL unreachable for a few seconds behind a proxy that is stopped. */
describe.runIf(POSTGRES_URL && postgres)('a schedule across a database outage (postgres)', () => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let proxy: TcpProxy;
  let user: TestUser;

  beforeAll(async () => {
    const db = await postgres!.create();
    drop = db.drop;
    const target = new URL(db.url!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    target.hostname = '127.0.0.1';
    target.port = String(proxy.port);
    app = await buildScheduleApp(queueEnv('embedded'), { driver: 'pg', url: target.toString(), poolMax: 5 });
    await registerUser(app);
    user = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await drop?.();
  });

  it('runs one catch-up for the ticks the outage missed, then ticks on the grid again, never twice', async () => {
    const s = (
      await api(app, user).post('/api/schedules', {
        name: 'through an outage',
        type: 'series',
        url: 'http://127.0.0.1:9/outage',
        interval: '1s',
      })
    ).json<ScheduleJson>();
    const start = Date.parse(s.nextRunAt!);
    await waitFor(async () => (await ticksOf(app, user, s.id)).length >= 2, 15_000, 'two ticks');

    await proxy.stop();
    const downAt = Date.now();
    // The outage lasts until readiness has seen the database down and four 1 s ticks have come due
    // in it (the catch-up below must stand for missed ticks).
    await waitFor(
      async () =>
        Date.now() - downAt >= 4000 &&
        (await app.inject({ method: 'GET', url: '/health/ready' })).statusCode === 503,
      30_000,
      'the database seen down through four ticks',
      250,
    );
    await proxy.start();

    const ticks = await waitFor(
      async () => {
        const t = await ticksOf(app, user, s.id).catch(() => []);
        return t.some((x) => x.kind === 'catch-up') &&
          t.filter((x) => Date.parse(x.tickAt) > downAt + 4000).length >= 2
          ? t
          : null;
      },
      30_000,
      'a catch-up and ticks after it',
    );
    await api(app, user).post(`/api/schedules/${s.id}/pause`);
    const catchUps = ticks.filter((t) => t.kind === 'catch-up');
    expect(catchUps).toHaveLength(1);
    expect(catchUps[0]!.missed).toBeGreaterThanOrEqual(2);
    // Every tick is a grid time, none twice, and the missed ones are not there.
    const times = ticks.map((t) => Date.parse(t.tickAt)).sort((a, b) => a - b);
    for (const t of times) expect((t - start) % 1000).toBe(0);
    expect(new Set(times).size).toBe(times.length);
    const catchUpAt = Date.parse(catchUps[0]!.tickAt);
    const next = times.find((t) => t > catchUpAt)!;
    expect(next - catchUpAt).toBe((catchUps[0]!.missed + 1) * 1000);
  });
});
