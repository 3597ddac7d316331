import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { registerUser, type TestUser } from '../support/app.ts';
import { expectToHold } from '../queue/support/quiet.ts';
import {
  api,
  buildScheduleApp,
  cleanRedis,
  QUEUE_MODES,
  queueEnv,
  testClock,
  testsOf,
  ticksOf,
  waitFor,
  type ScheduleJson,
} from './support/schedule-app.ts';

const MINUTE = 60_000;
const url = (path: string) => `http://127.0.0.1:9/${path}`;

describe.each(QUEUE_MODES)('schedule ticks ($name)', ({ driver, database }) => {
  const env = queueEnv(driver, { QUEUE_MAX_ACTIVE_PER_USER: '2', WORKER_CONCURRENCY: '4' });
  const clock = testClock();
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let admin: TestUser;

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildScheduleApp(env, db.config, { clock });
    admin = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
    await cleanRedis(env);
  });

  async function schedule(who: TestUser, body: Record<string, unknown>): Promise<ScheduleJson> {
    const res = await api(app, who).post('/api/schedules', { name: 'ticks', interval: '1s', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<ScheduleJson>();
  }
  const read = async (who: TestUser, id: string) =>
    (await api(app, who).get(`/api/schedules/${id}`)).json<ScheduleJson>();
  const cancel = (who: TestUser, testId: string) => api(app, who).post(`/api/queue/jobs/${testId}/cancel`);

  it('skips and counts a tick while the previous run is still running, and runs again once it is not', async () => {
    const user = await registerUser(app);
    const s = await schedule(user, { type: 'hang', url: url('overlap') });
    const first = await waitFor(
      async () => (await testsOf(app, user, s.id)).find((t) => t.status === 'running'),
      15_000,
      'the first run running',
    );
    await waitFor(
      async () => (await read(user, s.id)).counters.skippedOverlap >= 3,
      15_000,
      'three skipped ticks',
    );
    // Skipped, not queued behind it: still the one test.
    expect((await testsOf(app, user, s.id)).map((t) => t.testId)).toEqual([first.testId]);
    const skipped = (await ticksOf(app, user, s.id)).filter((t) => t.outcome === 'skipped_overlap');
    expect(skipped.length).toBeGreaterThanOrEqual(3);
    expect(skipped.every((t) => t.testId === null)).toBe(true);

    expect((await cancel(user, first.testId)).statusCode).toBe(200);
    const second = await waitFor(
      async () => (await testsOf(app, user, s.id)).find((t) => t.testId !== first.testId),
      15_000,
      'a run after the cancel',
    );
    await api(app, user).post(`/api/schedules/${s.id}/pause`);
    await cancel(user, second.testId);
  });

  it('runs one catch-up for ticks missed while no scheduler ran, then goes on on the grid', async () => {
    const user = await registerUser(app);
    const s = await schedule(user, { type: 'series', url: url('misfire'), interval: '1m' });
    const anchor = Date.parse(s.nextRunAt!);
    await waitFor(async () => (await ticksOf(app, user, s.id)).length === 1, 15_000, 'the first tick');

    // Ten and a half minutes pass at once, as for a deployment that was down: ten ticks were due.
    clock.offsetMs += 10 * MINUTE + 30_000;
    const ticks = await waitFor(
      async () => {
        const t = await ticksOf(app, user, s.id);
        return t.length >= 2 && t.every((x) => x.outcome !== 'pending') ? t : null;
      },
      15_000,
      'the catch-up tick',
    );
    expect(ticks[0]).toMatchObject({ kind: 'catch-up', outcome: 'queued', missed: 9 });
    expect(Date.parse(ticks[0]!.tickAt)).toBe(anchor + MINUTE);
    expect(Date.parse((await read(user, s.id)).nextRunAt!)).toBe(anchor + 11 * MINUTE);
    // No burst: the other nine are not replayed, however many polls go by.
    await expectToHold(async () => (await ticksOf(app, user, s.id)).length === 2, 1500, 'two ticks only');

    clock.offsetMs += MINUTE;
    const next = await waitFor(
      async () => (await ticksOf(app, user, s.id)).find((t) => Date.parse(t.tickAt) === anchor + 11 * MINUTE),
      15_000,
      'the next tick on the grid',
    );
    expect(next).toMatchObject({ kind: 'tick', missed: 0 });
    await waitFor(async () => (await testsOf(app, user, s.id)).length === 3, 15_000, 'three runs');
    await api(app, user).post(`/api/schedules/${s.id}/pause`);
  });

  it("skips and counts ticks refused by the owner's daily quota", async () => {
    const user = await registerUser(app);
    const set = await api(app, admin).put(`/api/admin/users/${user.id}/quota`, { dailyTestQuota: 1 });
    expect(set.statusCode, set.body).toBe(200);
    const s = await schedule(user, { type: 'series', url: url('quota') });
    await waitFor(
      async () => (await read(user, s.id)).counters.skippedQuota >= 2,
      15_000,
      'two ticks over the quota',
    );
    await api(app, user).post(`/api/schedules/${s.id}/pause`);
    expect(await testsOf(app, user, s.id)).toHaveLength(1);
    const refused = (await ticksOf(app, user, s.id)).find((t) => t.outcome === 'skipped_quota')!;
    expect(refused).toMatchObject({ testId: null });
    expect((refused as unknown as { error: string }).error).toMatch(/daily test quota of 1 test is reached/);
    // Run-now is refused as POST /api/tests would be, and the refusal is recorded on its tick.
    const now = await api(app, user).post(`/api/schedules/${s.id}/run-now`);
    expect(now.statusCode).toBe(429);
    expect(now.json()).toMatchObject({ code: 'ERR_QUOTA_EXCEEDED' });
    expect(now.headers['retry-after']).toBeDefined();
    expect((await ticksOf(app, user, s.id))[0]).toMatchObject({ kind: 'manual', outcome: 'skipped_quota' });
  });

  it("skips and counts ticks refused by the owner's active-tests limit", async () => {
    const user = await registerUser(app);
    const busy: string[] = [];
    for (const path of ['a', 'b']) {
      const res = await api(app, user).post('/api/tests', { type: 'hang', url: url(`busy-${path}`) });
      expect(res.statusCode).toBe(202);
      busy.push(res.json<{ testId: string }>().testId);
    }
    const s = await schedule(user, { type: 'series', url: url('limited') });
    await waitFor(
      async () => (await read(user, s.id)).counters.skippedLimit >= 2,
      15_000,
      'two ticks at the limit',
    );
    expect(await testsOf(app, user, s.id)).toEqual([]);
    await cancel(user, busy[0]!);
    await waitFor(
      async () => (await testsOf(app, user, s.id)).length >= 1,
      15_000,
      'a run once a slot is free',
    );
    await api(app, user).post(`/api/schedules/${s.id}/pause`);
    await cancel(user, busy[1]!);
  });

  it('finishes a tick whose process died after claiming it, with the test id it chose, and only once', async () => {
    const user = await registerUser(app);
    const s = await schedule(user, { type: 'series', url: url('crashed'), interval: '1m', enabled: false });
    // What a process that died between the claim's commit and the test's insert leaves behind.
    const db = app.database.db;
    const leave = async (testId: string, agoMs: number) => {
      const at = new Date(clock.now() - agoMs).toISOString();
      await sql`INSERT INTO schedule_runs (schedule_id, tick_at, kind, outcome, test_id, claimed_at)
        VALUES (${s.id}, ${at}::timestamptz, 'tick', 'pending', ${testId}, ${at}::timestamptz)`.execute(db);
      await sql`UPDATE schedules SET last_test_id = ${testId}, last_test_tick_at = ${at}::timestamptz
        WHERE id = ${s.id}`.execute(db);
    };
    const testId = randomUUID();
    await leave(testId, 40_000);
    const finished = await waitFor(
      async () => (await ticksOf(app, user, s.id)).find((t) => t.outcome === 'queued'),
      15_000,
      'the interrupted tick finished',
    );
    expect(finished.testId).toBe(testId);
    expect((await api(app, user).get(`/api/tests/${testId}`)).json()).toMatchObject({
      testId,
      scheduleId: s.id,
    });

    expect((await read(user, s.id)).counters.runs).toBe(1);

    // A process that inserted the test but died before recording it: finishing the tick stores no second test.
    await sql`UPDATE schedule_runs SET outcome = 'pending' WHERE schedule_id = ${s.id}`.execute(db);
    await waitFor(
      async () => (await ticksOf(app, user, s.id)).every((t) => t.outcome === 'queued'),
      15_000,
      'the tick finished again',
    );
    expect((await testsOf(app, user, s.id)).map((t) => t.testId)).toEqual([testId]);
  });
});
