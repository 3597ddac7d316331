import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { registerUser, testConfig, type TestUser } from '../support/app.ts';
import { waitFor } from '../support/wait.ts';

interface LogLine {
  level: number;
  msg: string;
  err?: { message?: string; stack?: string };
  reason?: string;
}

/** The line the oversized frame produced, whoever wrote it: it names the payload limit. */
const aboutTheFrame = (l: LogLine) =>
  /max payload/i.test(`${l.msg} ${l.reason ?? ''} ${l.err?.message ?? ''}`);

describe('a WebSocket frame over the 64 KiB max payload', () => {
  let app: FastifyInstance;
  let user: TestUser;
  let url: string;
  const lines: LogLine[] = [];

  beforeAll(async () => {
    const logStream = new Writable({
      write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString()) as LogLine), done()),
    });
    app = await buildApp({ config: testConfig({ LOG_LEVEL: 'debug' }), logStream, worker: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/ws`;
    user = await registerUser(app);
  });
  afterAll(() => app.close());

  it('closes the socket with 1009 and is logged as the client’s mistake (info, no stack), never as an error', async () => {
    const socket = new WebSocket(url, ['bearer', user.accessToken]);
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('message', () => resolve())); // "connected"
    socket.send(JSON.stringify({ action: 'ping', pad: 'x'.repeat(70 * 1024) }));
    expect(await closed).toBe(1009);

    const logged = await waitFor(() => lines.find(aboutTheFrame), 5000, 'the log line about the frame');
    expect(logged.level).toBeLessThanOrEqual(30);
    expect(logged.err?.stack).toBeUndefined();
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
