import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildQueueApp, cleanRedis, QUEUE_MODES, queueEnv, waitFor } from '../queue/support/queue-app.ts';
import { registerUser } from '../support/app.ts';
import {
  nextUtcMidnight,
  ownQuota,
  queuedSeen,
  recordQuotaEvents,
  submit,
  submitMany,
  warningsFor,
  type Problem,
  type Seen,
} from './quota-helpers.ts';

const QUOTA = 5;

describe.each(QUEUE_MODES)('daily test quota at submission ($name)', ({ driver, database }) => {
  let app: FastifyInstance;
  let second: FastifyInstance | undefined;
  let drop: () => Promise<void>;
  let seen: Seen[];
  let seenSecond: Seen[] = [];
  const env = queueEnv(driver, { USER_DAILY_TEST_QUOTA: String(QUOTA) });

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildQueueApp(env, db.config);
    // On PostgreSQL a second API process shares the database, as in a deployment with several.
    if (database.name === 'postgres') second = await buildQueueApp(env, db.config, { worker: false });
    seen = recordQuotaEvents(app);
    if (second) seenSecond = recordQuotaEvents(second);
    await registerUser(app); // the admin
  });
  afterEach(() => void vi.useRealTimers());
  afterAll(async () => {
    await second?.close();
    await app?.close();
    await drop?.();
    await cleanRedis(env);
  });

  it('accepts five tests a day, then answers 429 with Retry-After and when the quota resets', async () => {
    const alice = await registerUser(app);
    expect(await submitMany(app, alice, QUOTA)).toEqual(Array(QUOTA).fill(202));
    const before = new Date();
    const sixth = await submit(app, alice);
    const after = new Date();
    expect(sixth.statusCode).toBe(429);
    expect(sixth.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = sixth.json<Problem>();
    expect(problem.code).toBe('ERR_QUOTA_EXCEEDED');
    const resetsAt = nextUtcMidnight(before);
    expect(problem.detail).toContain(`daily test quota of ${QUOTA} tests is reached`);
    expect(problem.detail).toContain(resetsAt.toISOString());
    const retryAfter = Number(sixth.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(Math.floor((resetsAt.getTime() - after.getTime()) / 1000));
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil((resetsAt.getTime() - before.getTime()) / 1000));
    // The refused test was never written.
    const list = await app.inject({ url: '/api/tests?limit=100', headers: alice.auth });
    expect(list.json<{ items: unknown[] }>().items).toHaveLength(QUOTA);
    expect(await ownQuota(app, alice)).toEqual({
      quota: QUOTA,
      used: QUOTA,
      remaining: 0,
      resetsAt: resetsAt.toISOString(),
    });
  });

  it('publishes one QuotaWarning at the fourth test (80 % of 5), not again at the fifth', async () => {
    const bob = await registerUser(app);
    for (let i = 1; i <= 3; i++) await queuedSeen(seen, await submit(app, bob));
    expect(warningsFor(seen, bob.id)).toEqual([]);
    await queuedSeen(seen, await submit(app, bob));
    expect(warningsFor(seen, bob.id)).toEqual([
      { userId: bob.id, used: 4, quota: QUOTA, resetsAt: nextUtcMidnight(new Date()).toISOString() },
    ]);
    await queuedSeen(seen, await submit(app, bob));
    expect((await submit(app, bob)).statusCode).toBe(429);
    await queuedSeen(seen, await submit(app, await registerUser(app)));
    expect(warningsFor(seen, bob.id)).toHaveLength(1);
  });

  it('counts cancelled tests: cancelling one does not give the submission back', async () => {
    const carol = await registerUser(app);
    const hanging = await submit(app, carol, { type: 'hang', url: 'http://127.0.0.1:9/hang' });
    const { testId } = hanging.json<{ testId: string }>();
    const cancel = await app.inject({
      method: 'POST',
      url: `/api/queue/jobs/${testId}/cancel`,
      headers: carol.auth,
    });
    expect(cancel.json<{ status: string }>().status).toBe('cancelled');
    expect(await submitMany(app, carol, QUOTA)).toEqual([202, 202, 202, 202, 429]);
    expect((await ownQuota(app, carol)).used).toBe(QUOTA);
  });

  it('starts again at 00:00 UTC, with a new warning on the new day', async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(new Date('2031-05-06T23:58:00.000Z'));
    // Signed up under the injected clock, so the access token is valid in its time.
    const dave = await registerUser(app);
    expect(await submitMany(app, dave, QUOTA + 1)).toEqual([202, 202, 202, 202, 202, 429]);
    const refused = await submit(app, dave);
    expect(refused.json<Problem>().detail).toContain('2031-05-07T00:00:00.000Z');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(60);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(120);
    await waitFor(() => warningsFor(seen, dave.id).length === 1, 10_000, "day 1's warning");

    vi.setSystemTime(new Date('2031-05-07T00:00:01.000Z'));
    expect(await ownQuota(app, dave)).toEqual({
      quota: QUOTA,
      used: 0,
      remaining: QUOTA,
      resetsAt: '2031-05-08T00:00:00.000Z',
    });
    for (let i = 0; i < 4; i++) await queuedSeen(seen, await submit(app, dave));
    expect(warningsFor(seen, dave.id).map((w) => [w.used, w.resetsAt])).toEqual([
      [4, '2031-05-07T00:00:00.000Z'],
      [4, '2031-05-08T00:00:00.000Z'],
    ]);
    expect(await submitMany(app, dave, 2)).toEqual([202, 429]);
  });

  it('accepts exactly the five left when ten submissions arrive at once', async () => {
    const erin = await registerUser(app);
    const apps = second ? [app, second] : [app];
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => submit(apps[i % apps.length]!, erin)),
    );
    const codes = answers.map((r) => r.statusCode).sort();
    expect(codes).toEqual([...Array(5).fill(202), ...Array(5).fill(429)]);
    expect(answers.filter((r) => r.statusCode === 429).map((r) => r.json<Problem>().code)).toEqual(
      Array(5).fill('ERR_QUOTA_EXCEEDED'),
    );
    const list = await app.inject({ url: '/api/tests?limit=100', headers: erin.auth });
    expect(list.json<{ items: unknown[] }>().items).toHaveLength(QUOTA);
    // One warning of the day, from whichever process took the fourth submission.
    for (const [i, res] of answers.entries())
      if (res.statusCode === 202) await queuedSeen(i % apps.length ? seenSecond : seen, res);
    expect([...warningsFor(seen, erin.id), ...warningsFor(seenSecond, erin.id)]).toMatchObject([
      { used: 4, quota: QUOTA },
    ]);
  });
});
