import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import {
  api,
  buildScheduleApp,
  cleanRedis,
  QUEUE_MODES,
  queueEnv,
  testsOf,
  ticksOf,
  waitFor,
  type ScheduleJson,
} from './support/schedule-app.ts';

const INTERVAL_MS = 1000;
const WINDOW_MS = 10_000;

/**
 * The 2 s schedule over 60 s, shortened: a 1 s schedule over 10 s. On PostgreSQL three processes
 * (each an API with a worker and a scheduler) share the schedule; PGlite is one process's database.
 */
describe.each(QUEUE_MODES)('exactly one run per tick ($name)', ({ driver, database }) => {
  const env = queueEnv(driver);
  const apps: FastifyInstance[] = [];
  let drop: () => Promise<void>;
  let user: TestUser;

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    const processes = database.name === 'postgres' ? 3 : 1;
    for (let i = 0; i < processes; i++) apps.push(await buildScheduleApp(env, db.config));
    await registerUser(apps[0]!); // the first account is the admin
    user = await registerUser(apps[0]!);
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await drop?.();
    await cleanRedis(env);
  });

  it(`runs a ${INTERVAL_MS / 1000} s schedule ${WINDOW_MS / INTERVAL_MS} ± 1 times in ${WINDOW_MS / 1000} s, never twice for one tick`, async () => {
    const app = apps[0]!;
    const created = await api(app, user).post('/api/schedules', {
      name: 'every second',
      type: 'series',
      url: 'http://127.0.0.1:9/exactly-once',
      interval: '1s',
    });
    expect(created.statusCode, created.body).toBe(201);
    const s = created.json<ScheduleJson>();
    const start = Date.parse(s.nextRunAt!);
    const end = start + WINDOW_MS;
    // Until a tick past the window was claimed: every tick inside it has had its chance.
    await waitFor(
      async () => (await ticksOf(app, user, s.id)).some((t) => Date.parse(t.tickAt) >= end),
      WINDOW_MS * 5,
      'a tick after the window',
    );
    await api(app, user).post(`/api/schedules/${s.id}/pause`);
    // Let submissions in flight settle before counting.
    await waitFor(
      async () => (await ticksOf(app, user, s.id)).every((t) => t.outcome !== 'pending'),
      10_000,
      'no pending tick',
    );

    const ticks = await ticksOf(app, user, s.id);
    const inWindow = ticks.filter((t) => Date.parse(t.tickAt) < end);
    // Each grid tick is either run (or skipped for overlap) once, or counted as missed by a catch-up.
    const covered = inWindow.reduce((n, t) => n + 1 + t.missed, 0);
    expect(covered).toBeGreaterThanOrEqual(WINDOW_MS / INTERVAL_MS - 1);
    expect(covered).toBeLessThanOrEqual(WINDOW_MS / INTERVAL_MS + 1);
    for (const t of ticks) expect((Date.parse(t.tickAt) - start) % INTERVAL_MS, t.tickAt).toBe(0);
    expect(new Set(ticks.map((t) => t.tickAt)).size).toBe(ticks.length);

    // One test per queued tick, and no test that no tick submitted.
    const queued = ticks.filter((t) => t.outcome === 'queued');
    expect(queued.length).toBeGreaterThanOrEqual(WINDOW_MS / INTERVAL_MS / 2);
    const tests = await testsOf(app, user, s.id);
    expect(tests.map((t) => t.testId).sort()).toEqual(queued.map((t) => t.testId).sort());
    expect((await api(app, user).get(`/api/schedules/${s.id}`)).json()).toMatchObject({
      counters: { runs: queued.length },
    });

    if (apps.length > 1) {
      // The processes shared the ticks out (the claim is contended, not won by one of them alone).
      const { rows } = await sql<{ n: number }>`
        SELECT count(DISTINCT claimed_by)::int AS n FROM schedule_runs WHERE schedule_id = ${s.id}`.execute(
        app.database.db,
      );
      expect(rows[0]!.n).toBeGreaterThan(1);
    }
  });
});
