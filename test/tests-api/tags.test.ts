import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { registerUser, type TestUser } from '../support/app.ts';
import { buildQueueApp, cleanRedis, QUEUE_MODES, queueEnv, waitFor } from '../queue/support/queue-app.ts';
import type { EventMap } from '../../src/shared/events/index.ts';

describe.each(QUEUE_MODES)('test tags ($name)', ({ driver, database }) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let alice: TestUser;
  const env = queueEnv(driver, { SCHEDULE_MIN_INTERVAL: '1s' });
  const completed: Array<EventMap['TestCompleted']> = [];
  const failed: Array<EventMap['TestFailed']> = [];

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildQueueApp(env, db.config);
    app.events.subscribe('TestCompleted', (e) => void completed.push(e));
    app.events.subscribe('TestFailed', (e) => void failed.push(e));
    await registerUser(app);
    alice = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
    await cleanRedis(env);
  });

  const post = (url: string, payload: object) =>
    app.inject({ method: 'POST', url, headers: alice.auth, payload });

  it('stores the tags a test is submitted with, shows them and puts them on its TestCompleted', async () => {
    const res = await post('/api/tests', {
      type: 'sleep',
      url: 'http://127.0.0.1:9/tagged',
      options: { ms: 10 },
      tags: ['prod', 'eu-west.1'],
    });
    expect(res.statusCode, res.body).toBe(202);
    const { testId } = res.json<{ testId: string }>();
    const view = await app.inject({ method: 'GET', url: `/api/tests/${testId}`, headers: alice.auth });
    expect(view.json<{ tags: string[] }>().tags).toEqual(['prod', 'eu-west.1']);
    const event = await waitFor(() => completed.find((e) => e.testId === testId), 15_000, 'TestCompleted');
    expect(event.tags).toEqual(['prod', 'eu-west.1']);
    expect(event.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('puts the tags on a final TestFailed', async () => {
    const res = await post('/api/tests', {
      type: 'fatal',
      url: 'http://127.0.0.1:9/tagged-failing',
      tags: ['flaky'],
    });
    const { testId } = res.json<{ testId: string }>();
    const event = await waitFor(
      () => failed.find((e) => e.testId === testId && !e.willRetry),
      30_000,
      'final TestFailed',
    );
    expect(event.tags).toEqual(['flaky']);
  });

  it('refuses a bad tag, too many tags and duplicates with a 400 naming the field', async () => {
    const base = { type: 'sleep', url: 'http://127.0.0.1:9/x' };
    for (const [tags, field] of [
      [['has space'], '/body/tags/0'],
      [['x'.repeat(33)], '/body/tags/0'],
      [Array.from({ length: 21 }, (_, i) => `t${i}`), '/body/tags'],
      [['a', 'a'], '/body/tags'],
    ] as const) {
      const res = await post('/api/tests', { ...base, tags });
      expect(res.statusCode, JSON.stringify(tags)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(JSON.stringify(res.json())).toContain(field);
    }
  });

  it("gives a schedule's runs the schedule's tags", async () => {
    const res = await post('/api/schedules', {
      name: 'tagged',
      type: 'sleep',
      url: 'http://127.0.0.1:9/scheduled',
      options: { ms: 10 },
      interval: '1s',
      tags: ['nightly'],
    });
    expect(res.statusCode, res.body).toBe(201);
    const { id } = res.json<{ id: string }>();
    const event = await waitFor(() => completed.find((e) => e.scheduleId === id), 15_000, 'a scheduled run');
    expect(event.tags).toEqual(['nightly']);
    await post(`/api/schedules/${id}/pause`, {});
  });
});
