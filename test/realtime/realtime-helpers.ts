import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { buildTestApp } from '../support/app.ts';
import { dropPrefix, uniquePrefix } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { POSTGRES_URL, REDIS_URL, TEST_DATABASES } from '../support/databases.ts';

export interface WireMessage {
  event: string;
  data: Record<string, unknown>;
  timestamp: number;
  channel: string | null;
  id: string | null;
}

/**
 * The setups every realtime suite runs on: embedded (PGlite, in-process broker) always; services
 * (PostgreSQL when configured, and the Redis broker) when TESTWEB_TEST_REDIS_URL is set.
 */
export interface RealtimeSetup {
  name: string;
  database: (typeof TEST_DATABASES)[number];
  redis: boolean;
}

const last = TEST_DATABASES[TEST_DATABASES.length - 1]!;
export const SETUPS: RealtimeSetup[] = [
  { name: 'embedded', database: TEST_DATABASES[0]!, redis: false },
  ...(REDIS_URL || POSTGRES_URL
    ? [{ name: `${last.name}${REDIS_URL ? ' + redis' : ''}`, database: last, redis: Boolean(REDIS_URL) }]
    : []),
];
if (!REDIS_URL)
  console.error(
    '[test] TESTWEB_TEST_REDIS_URL is not set: realtime suites run without the Redis broker (services mode skipped)',
  );

export { dropPrefix, uniquePrefix };

export interface Harness {
  app: FastifyInstance;
  wsUrl: string;
  close(): Promise<void>;
}

/** Builds the real app for a setup, listening on loopback, with `env` overrides (short timers in tests). */
export async function startApp(
  setup: RealtimeSetup,
  env: Record<string, string> = {},
  shared?: { prefix: string; database: Awaited<ReturnType<RealtimeSetup['database']['create']>> },
): Promise<Harness> {
  const prefix = shared?.prefix ?? uniquePrefix();
  const database = shared?.database ?? (await setup.database.create());
  const redisEnv: Record<string, string> =
    setup.redis && REDIS_URL ? { REDIS_URL, REDIS_KEY_PREFIX: prefix } : {};
  const app = await buildTestApp({ ...redisEnv, ...env }, database.config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    async close() {
      await app.close();
      if (!shared) {
        await database.drop();
        await dropPrefix(prefix);
      }
    },
  };
}

/** A test client: every message it receives is queued, and `next` waits for the first one that matches. */
export class Client {
  readonly received: WireMessage[] = [];
  /** Every message in arrival order, never taken out (`received` loses what `next` returns). */
  readonly log: WireMessage[] = [];
  /** Server pings answered so far. */
  pings = 0;
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: { match: (m: WireMessage) => boolean; resolve: (m: WireMessage) => void }[] = [];

  constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.on('ping', () => this.pings++);
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as WireMessage;
      this.log.push(message);
      this.received.push(message);
      const waiter = this.waiters.find((w) => w.match(message));
      if (waiter) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    });
  }

  /** Resolves with the first message (already received or future) that matches. */
  next(match: (m: WireMessage) => boolean, timeoutMs = 5000): Promise<WireMessage> {
    const seen = this.received.find(match);
    if (seen) {
      this.received.splice(this.received.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.received.map((m) => m.event))}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          this.received.splice(this.received.indexOf(m), 1);
          resolve(m);
        },
      });
    });
  }

  event(event: string, channel?: string, timeoutMs?: number): Promise<WireMessage> {
    return this.next((m) => m.event === event && (channel === undefined || m.channel === channel), timeoutMs);
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async subscribe(channel: string): Promise<WireMessage> {
    this.send({ action: 'subscribe', channel });
    return this.next((m) => m.channel === channel && (m.event === 'subscribed' || m.event === 'error'));
  }

  /** Channel messages (with an id) received so far on `channel`, leaving them queued. */
  channelMessages(channel: string): WireMessage[] {
    return this.received.filter((m) => m.channel === channel && m.id !== null);
  }

  close(): void {
    this.socket.close();
  }
}

/** Opens a socket with the token as the `bearer` subprotocol (or `?token=`); resolves once it is open. */
export async function connect(
  wsUrl: string,
  token: string | null,
  how: 'protocol' | 'query' = 'protocol',
  options: WebSocket.ClientOptions = {},
): Promise<Client> {
  const url = token && how === 'query' ? `${wsUrl}?token=${encodeURIComponent(token)}` : wsUrl;
  const socket =
    token && how === 'protocol'
      ? new WebSocket(url, ['bearer', token], options)
      : new WebSocket(url, options);
  const client = new Client(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return client;
}

/** Connects and waits for the server's `connected` greeting (authentication done). */
export async function connectAuthed(
  wsUrl: string,
  token: string,
  options: WebSocket.ClientOptions = {},
): Promise<Client> {
  const client = await connect(wsUrl, token, 'protocol', options);
  await client.event('connected');
  return client;
}

export function testEvent(userId: string, type = 'performance') {
  return { testId: randomUUID(), userId, type, url: 'http://127.0.0.1:9/' };
}

/** Waits for a synchronous condition (a message arrived, a socket closed) with a deadline. */
export async function until(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  await waitFor(check, timeoutMs, what, 10);
}

/**
 * Waits until `userId` has a held long-poll whose `channels` are all subscribed and live, so a message
 * published now reaches it (instead of sleeping and hoping the request got that far).
 */
export async function pollHeld(
  app: FastifyInstance,
  userId: string,
  channels: string[],
  timeoutMs = 5000,
): Promise<void> {
  await until(
    () =>
      app.realtime.connections
        .forUser(userId)
        .some(
          (c) =>
            c.kind === 'poll' && channels.every((channel) => c.subscriptions.get(channel)?.live === true),
        ),
    timeoutMs,
    `a held poll on ${channels.join(',')}`,
  );
}

/** A message reduced to what a client reads: which event, at which position, on which channel, with which data. */
export const seen = (m: WireMessage) => ({ event: m.event, id: m.id, channel: m.channel, data: m.data });
