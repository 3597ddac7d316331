import type { FastifyInstance } from 'fastify';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends bytes on a fresh socket and reads the answer until the server closes it (requests say Connection: close). */
function exchange(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNRESET' && data ? undefined : reject(err),
    );
    socket.on('close', () => {
      const [head = '', ...rest] = data.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    socket.write(request);
  });
}

function expectProblem(res: RawResponse, status: number, code: string, echoed: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(res.body)).toMatchObject({
    status,
    code,
    title: expect.any(String),
    detail: expect.any(String),
    requestId: expect.any(String),
  });
  expect(res.body).not.toContain(echoed);
}

describe('errors raised before a route runs answer problem+json over a real socket', () => {
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    app = await buildTestApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as net.AddressInfo).port;
  });
  afterAll(() => app.close());

  const get = (path: string, extra = '') =>
    exchange(port, `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}Connection: close\r\n\r\n`);

  it('a malformed percent-encoding: 400 ERR_BAD_URL, the path not echoed', async () => {
    expectProblem(await get('/probe-%zz'), 400, 'ERR_BAD_URL', 'probe-');
  });

  it('a path parameter over the router limit: 414 ERR_URI_TOO_LONG, not echoed', async () => {
    const long = 'p'.repeat(300);
    expectProblem(await get(`/api/tests/${long}`), 414, 'ERR_URI_TOO_LONG', long);
  });

  it('headers over the server limit: 431 ERR_HEADERS_TOO_LARGE', async () => {
    expectProblem(
      await get('/health/live', `X-Big: ${'b'.repeat(20_000)}\r\n`),
      431,
      'ERR_HEADERS_TOO_LARGE',
      'bbbb',
    );
  });

  it('a URL over the server limit (it counts with the headers): 431, not echoed', async () => {
    expectProblem(await get(`/${'u'.repeat(20_000)}`), 431, 'ERR_HEADERS_TOO_LARGE', 'uuuu');
  });

  it('bytes that are not HTTP: 400 ERR_BAD_REQUEST', async () => {
    expectProblem(await exchange(port, 'NOT HTTP AT ALL\r\n\r\n'), 400, 'ERR_BAD_REQUEST', 'NOT HTTP');
  });

  it('still answers well-formed requests afterwards', async () => {
    const res = await get('/health/live');
    expect(res.status).toBe(200);
  });
});
