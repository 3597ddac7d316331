import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createRedisEventBus, type EventBus } from '../../src/shared/events/index.ts';
import { createRedisFactory } from '../../src/shared/redis/index.ts';
import { REDIS_URL } from '../support/databases.ts';
import { waitFor } from './support/queue-app.ts';

if (!REDIS_URL) console.error('[test] the Redis event bus suite needs TESTWEB_TEST_REDIS_URL: skipped');

const log = { error: () => undefined, warn: () => undefined };
const payload = (testId: string) => ({ testId, userId: 'u', type: 'sleep', url: 'http://127.0.0.1/' });

// Skipped without Redis: this is the services-mode driver; the in-process driver needs no server.
describe.skipIf(!REDIS_URL)('Redis event bus', () => {
  let a: EventBus;
  let b: EventBus;
  let other: EventBus;

  beforeAll(async () => {
    const prefix = `twtest-${randomBytes(4).toString('hex')}:`;
    a = await createRedisEventBus(createRedisFactory(REDIS_URL!, prefix), log);
    b = await createRedisEventBus(createRedisFactory(REDIS_URL!, prefix), log);
    other = await createRedisEventBus(createRedisFactory(REDIS_URL!, `${prefix}other:`), log);
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), other?.close()]);
  });

  it('delivers an event once to every process, and localOnly subscribers only where it was published', async () => {
    const seen: string[] = [];
    const offs = [
      a.subscribe('TestCancelled', (e) => void seen.push(`a:${e.testId}`)),
      a.subscribe('TestCancelled', (e) => void seen.push(`a-local:${e.testId}`), { localOnly: true }),
      b.subscribe('TestCancelled', (e) => void seen.push(`b:${e.testId}`)),
      b.subscribe('TestCancelled', (e) => void seen.push(`b-local:${e.testId}`), { localOnly: true }),
      other.subscribe('TestCancelled', (e) => void seen.push(`other:${e.testId}`)),
    ];
    await a.publish('TestCancelled', payload('t1'));
    await waitFor(async () => seen.includes('b:t1'), 3000, 'delivery to the second process');
    await new Promise((r) => setTimeout(r, 200)); // room for a duplicate or a stray delivery to show up
    expect(seen.sort()).toEqual(['a-local:t1', 'a:t1', 'b:t1']);
    offs.forEach((off) => off());
  });

  it('keeps order and survives a failing handler', async () => {
    const seen: number[] = [];
    const offs = [
      b.subscribe('TestProgress', () => {
        throw new Error('handler bug');
      }),
      b.subscribe('TestProgress', (e) => void seen.push(e.progress)),
    ];
    for (let i = 1; i <= 50; i++)
      await a.publish('TestProgress', { ...payload('t2'), progress: i, message: 'm', metrics: { rps: i } });
    await waitFor(async () => seen.length === 50, 3000, 'all progress events');
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    offs.forEach((off) => off());
  });

  it('stops delivering after unsubscribe', async () => {
    const seen: string[] = [];
    const off = b.subscribe('TestQueued', (e) => void seen.push(e.testId));
    await a.publish('TestQueued', { ...payload('t3'), priority: 0 });
    await waitFor(async () => seen.length === 1, 3000, 'first delivery');
    off();
    await a.publish('TestQueued', { ...payload('t4'), priority: 0 });
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual(['t3']);
  });
});
