import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildQueueApp, cleanRedis, queueEnv } from '../queue/support/queue-app.ts';
import { registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import {
  adminQuota,
  nextUtcMidnight,
  ownQuota,
  submitMany,
  type AdminQuota,
  type Problem,
} from './quota-helpers.ts';

const fields = (res: { json<T>(): T }) => (res.json<Problem>().errors ?? []).map((e) => e.field);

describe.each(TEST_DATABASES)('admin quotas and GET /api/tests/quota on $name', (database) => {
  let limited: FastifyInstance;
  let unlimited: FastifyInstance;
  let drops: (() => Promise<void>)[] = [];
  let admin: TestUser;
  let adminU: TestUser;
  const envs = [queueEnv('embedded', { USER_DAILY_TEST_QUOTA: '5' }), queueEnv('embedded')];

  beforeAll(async () => {
    const [a, b] = await Promise.all([database.create(), database.create()]);
    drops = [a.drop, b.drop];
    limited = await buildQueueApp(envs[0]!, a.config);
    unlimited = await buildQueueApp(envs[1]!, b.config);
    admin = await registerUser(limited);
    adminU = await registerUser(unlimited);
  });
  afterAll(async () => {
    await limited?.close();
    await unlimited?.close();
    for (const drop of drops) await drop();
    for (const env of envs) await cleanRedis(env);
  });

  it('serves GET /api/tests/quota (not taken for a test id) with the day that resets it', async () => {
    const alice = await registerUser(limited);
    const res = await limited.inject({ url: '/api/tests/quota', headers: alice.auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      quota: 5,
      used: 0,
      remaining: 5,
      resetsAt: nextUtcMidnight(new Date()).toISOString(),
    });
    await submitMany(limited, alice, 2);
    expect(await ownQuota(limited, alice)).toMatchObject({ quota: 5, used: 2, remaining: 3 });
    expect((await limited.inject({ url: '/api/tests/quota' })).statusCode).toBe(401);
  });

  it('is unlimited by default, without writing quota rows', async () => {
    const bob = await registerUser(unlimited);
    expect(await submitMany(unlimited, bob, 8)).toEqual(Array(8).fill(202));
    expect(await ownQuota(unlimited, bob)).toMatchObject({ quota: null, used: 8, remaining: null });
    const rows = await unlimited.database.db.selectFrom('user_quotas').selectAll().execute();
    expect(rows).toEqual([]);
  });

  it('applies a higher, a lower, an unlimited (0) and the default (null) override', async () => {
    const carol = await registerUser(limited);
    const set = async (dailyTestQuota: number | null) => {
      const res = await adminQuota(limited, admin, carol.id, { dailyTestQuota });
      expect(res.statusCode).toBe(200);
      return res.json<AdminQuota>();
    };
    expect(await set(7)).toEqual({
      userId: carol.id,
      dailyTestQuota: 7,
      effectiveQuota: 7,
      used: 0,
      resetsAt: nextUtcMidnight(new Date()).toISOString(),
    });
    expect(await submitMany(limited, carol, 8)).toEqual([...Array(7).fill(202), 429]);
    expect(await set(3)).toMatchObject({ dailyTestQuota: 3, effectiveQuota: 3, used: 7 });
    expect(await ownQuota(limited, carol)).toMatchObject({ quota: 3, used: 7, remaining: 0 });
    expect(await submitMany(limited, carol, 1)).toEqual([429]);
    expect(await set(0)).toMatchObject({ dailyTestQuota: 0, effectiveQuota: null, used: 7 });
    expect(await submitMany(limited, carol, 2)).toEqual([202, 202]);
    expect(await ownQuota(limited, carol)).toMatchObject({ quota: null, used: 9, remaining: null });
    expect(await set(null)).toMatchObject({ dailyTestQuota: null, effectiveQuota: 5, used: 9 });
    expect(await submitMany(limited, carol, 1)).toEqual([429]);
    const read = await adminQuota(limited, admin, carol.id);
    expect(read.json()).toMatchObject({ userId: carol.id, dailyTestQuota: null, effectiveQuota: 5 });
  });

  it('applies an override on a server without a default quota', async () => {
    const dave = await registerUser(unlimited);
    await submitMany(unlimited, dave, 1);
    const res = await adminQuota(unlimited, adminU, dave.id, { dailyTestQuota: 2 });
    expect(res.json()).toMatchObject({ dailyTestQuota: 2, effectiveQuota: 2, used: 1 });
    expect(await submitMany(unlimited, dave, 2)).toEqual([202, 429]);
    await adminQuota(unlimited, adminU, dave.id, { dailyTestQuota: 0 });
    expect(await submitMany(unlimited, dave, 3)).toEqual([202, 202, 202]);
  });

  it('answers 403 to a non-admin on both admin routes', async () => {
    const erin = await registerUser(limited);
    for (const body of [undefined, { dailyTestQuota: 100 }]) {
      const res = await adminQuota(limited, erin, erin.id, body);
      expect(res.statusCode).toBe(403);
      expect(res.json<Problem>().code).toBe('ERR_FORBIDDEN');
    }
    expect((await ownQuota(limited, erin)).quota).toBe(5);
  });

  it('answers 404 for a user that does not exist', async () => {
    const nobody = randomUUID();
    for (const body of [undefined, { dailyTestQuota: 3 }, { dailyTestQuota: null }]) {
      const res = await adminQuota(limited, admin, nobody, body);
      expect(res.statusCode).toBe(404);
      expect(res.json<Problem>().code).toBe('ERR_NOT_FOUND');
    }
  });

  it('answers 400 naming the field for a bad body or user id', async () => {
    const frank = await registerUser(limited);
    for (const body of [{ dailyTestQuota: -1 }, { dailyTestQuota: 1.5 }, { dailyTestQuota: '5' }, {}]) {
      const res = await adminQuota(limited, admin, frank.id, body);
      expect(res.statusCode).toBe(400);
      expect(fields(res)).toContain('/body/dailyTestQuota');
    }
    const extra = await adminQuota(limited, admin, frank.id, { dailyTestQuota: 5, daily: 1 });
    expect(fields(extra)).toContain('/body/daily');
    const badId = await adminQuota(limited, admin, 'not-a-uuid');
    expect(badId.statusCode).toBe(400);
    expect(fields(badId)).toContain('/params/userId');
    expect((await adminQuota(limited, admin, frank.id)).json()).toMatchObject({ dailyTestQuota: null });
  });
});
