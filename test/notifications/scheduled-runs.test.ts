import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { buildTestApp, registerUser } from '../support/app.ts';
import { expectToHold } from '../queue/support/quiet.ts';
import { completedEvent, inbox, waitFor } from './notifications-helpers.ts';

/** A schedule's runs must not flood the inbox: passes notify nobody, a failing schedule once a day. */
describe('notifications of scheduled runs', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
    await registerUser(app); // the admin
  });
  afterAll(async () => app?.close());

  it('a passing scheduled run notifies nobody; a failing schedule notifies once however often it fails', async () => {
    const user = await registerUser(app);
    const scheduleId = randomUUID();
    const failed = (testId: string) => ({
      testId,
      runId: randomUUID(),
      userId: user.id,
      type: 'api',
      url: 'http://127.0.0.1:9/',
      scheduleId,
      error: 'connect ECONNREFUSED 127.0.0.1:9',
      willRetry: false,
    });
    await app.events.publish('TestCompleted', { ...completedEvent(user.id), scheduleId });
    for (let i = 0; i < 3; i++) await app.events.publish('TestFailed', failed(randomUUID()));
    // An ordinary test's outcome, published last, proves the events before it were handled.
    await app.events.publish('TestCompleted', completedEvent(user.id));
    await waitFor(
      async () => {
        const all = await inbox(app, user).all();
        return all.some((n) => n.type === 'test_failed') && all.some((n) => n.type === 'test_completed');
      },
      10_000,
      'the schedule failure and the ordinary outcome',
    );
    // No second failure and no scheduled pass arrive later.
    await expectToHold(async () => (await inbox(app, user).all()).length === 2, 1000, 'two notifications');
    const types = (await inbox(app, user).all()).map((n) => n.type).sort();
    expect(types).toEqual(['test_completed', 'test_failed']);
  });
});
