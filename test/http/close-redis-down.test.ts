import type { FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { createRedisFactory } from '../../src/shared/redis/index.ts';
import { testConfig } from '../support/app.ts';
import { REDIS_URL } from '../support/databases.ts';
import { dropPrefix, uniquePrefix } from '../support/redis.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { waitFor } from '../support/wait.ts';

const SHUTDOWN_TIMEOUT_MS = 20_000;
const target = REDIS_URL ? new URL(REDIS_URL) : null;

/** Resolves with how long `app.close()` took, or rejects once SHUTDOWN_TIMEOUT has passed (where SIGTERM would exit 1). */
async function timedClose(app: FastifyInstance): Promise<number> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<never>(
    (_, reject) =>
      (timer = setTimeout(
        () => reject(new Error('app.close() still pending after SHUTDOWN_TIMEOUT')),
        SHUTDOWN_TIMEOUT_MS,
      )),
  );
  try {
    await Promise.race([app.close(), overdue]);
    return Date.now() - started;
  } finally {
    clearTimeout(timer);
  }
}

function capture() {
  const lines: Array<{ level: number; msg: string; redis?: string }> = [];
  const logStream = new Writable({
    write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()),
  });
  return { lines, logStream };
}

describe.skipIf(!target)('closing while Redis is unreachable (services mode)', () => {
  let proxy: TcpProxy | undefined;
  let prefix = '';
  afterEach(async () => {
    await proxy?.close();
    await dropPrefix(prefix);
  });

  const build = async (proxyPort: number) => {
    prefix = uniquePrefix('close');
    const { logStream, lines } = capture();
    const env = {
      REDIS_URL: `redis://127.0.0.1:${proxyPort}`,
      REDIS_KEY_PREFIX: prefix,
      QUEUE_PREFIX: prefix.slice(0, -1),
      SHUTDOWN_TIMEOUT: '20s',
      LOG_LEVEL: 'info',
    };
    const app = await buildApp({ config: testConfig(env), logStream });
    await app.ready();
    return { app, lines };
  };

  it('finishes well within SHUTDOWN_TIMEOUT when Redis goes away after every connection was up', async () => {
    proxy = await startTcpProxy(target!.hostname, Number(target!.port || 6379));
    const { app } = await build(proxy.port);
    // The queue worker's blocking connection is the last to connect; BullMQ counts it once it is up.
    await waitFor(
      () => app.testQueue.driver.workersOnline().then((n) => n > 0),
      15_000,
      'the queue worker to be online',
    );
    await proxy.stop();
    await waitFor(
      async () => (await app.inject({ url: '/health/ready' })).statusCode === 503,
      10_000,
      'readiness to report Redis down',
    );
    expect(await timedClose(app)).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
  }, 60_000);

  it('finishes well within SHUTDOWN_TIMEOUT when Redis was never reachable', async () => {
    proxy = await startTcpProxy(target!.hostname, Number(target!.port || 6379));
    await proxy.stop();
    const { app } = await build(proxy.port);
    expect(await timedClose(app)).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
  }, 60_000);
});

describe.skipIf(!target)('Redis connections from the factory', () => {
  it('log going down once (not once per retry) and coming back once, naming their purpose', async () => {
    const proxy = await startTcpProxy(target!.hostname, Number(target!.port || 6379));
    const { lines } = capture();
    const log = {
      warn: (o: object, msg: string) => lines.push({ level: 40, msg, ...o }),
      info: (o: object, msg: string) => lines.push({ level: 30, msg, ...o }),
    };
    const client = createRedisFactory(`redis://127.0.0.1:${proxy.port}`, uniquePrefix('conn'), log).create(
      'probe',
      { retryStrategy: () => 50 },
    );
    let errors = 0;
    client.on('error', () => errors++);
    try {
      await client.ping();
      await proxy.stop();
      await waitFor(() => errors >= 3, 10_000, 'three failed reconnect attempts');
      expect(lines.filter((l) => l.redis === 'probe' && l.level === 40)).toHaveLength(1);
      await proxy.start();
      await waitFor(
        () => lines.some((l) => l.redis === 'probe' && l.msg === 'redis connection restored'),
        10_000,
        'the restored line',
      );
      expect(await client.ping()).toBe('PONG');
      expect(lines.map((l) => [l.level, l.redis])).toEqual([
        [40, 'probe'],
        [30, 'probe'],
      ]);
    } finally {
      client.disconnect();
      await proxy.close();
    }
  });
});
