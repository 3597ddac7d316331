import { spawn } from 'node:child_process';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { TEST_SECRETS } from '../support/app.ts';
import { waitFor } from '../support/wait.ts';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Readiness over a real socket; false (not a rejection) while the server is not listening yet. */
const ready = (port: number) =>
  fetch(`http://127.0.0.1:${port}/health/ready`).then(
    (r) => r.ok,
    () => false,
  );

/** `testweb serve` as a child process on a free port, in-memory database; its output collected. */
async function startServe(env: Record<string, string> = {}) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'serve'], {
    env: {
      ...process.env,
      ...TEST_SECRETS,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: 'memory://',
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { port, child, output: () => text, exited };
}

describe('graceful shutdown of `testweb serve`', () => {
  it('finishes an in-flight request, stops accepting, and exits 0 on SIGTERM', async () => {
    const { port, child, output, exited } = await startServe();
    try {
      await waitFor(() => ready(port), 60_000, 'the server to be ready', 200);

      // Start a request and hold it open half-sent, so it is in flight when the signal arrives.
      const body = JSON.stringify({ email: 'late@example.test', password: 'a sturdy passphrase 42' });
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      const response = new Promise<string>((resolve) => {
        let data = '';
        socket.on('data', (d) => (data += d.toString()));
        socket.on('close', () => resolve(data));
      });
      socket.write(
        `POST /api/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`,
      );
      socket.write(body.slice(0, 10));
      await new Promise((r) => setTimeout(r, 300));

      const signalledAt = Date.now();
      child.kill('SIGTERM');
      await waitFor(() => output().includes('shutting down'), 10_000, 'the shutdown log line');
      await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();

      socket.write(body.slice(10));
      expect(await response).toMatch(/^HTTP\/1\.1 201/);
      expect(await exited).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(30_000);
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);

  it('exits 1 once SHUTDOWN_TIMEOUT has passed when a request never finishes', async () => {
    const { port, child, output, exited } = await startServe({ SHUTDOWN_TIMEOUT: '2s' });
    const socket = new net.Socket();
    try {
      await waitFor(() => ready(port), 60_000, 'the server to be ready', 200);
      // A client that announces a body and never sends most of it: the server must not wait for it forever.
      socket.connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(
        'POST /api/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":',
      );
      await waitFor(() => output().includes('/api/auth/register'), 10_000, 'the request log line');

      const signalledAt = Date.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(1);
      const took = Date.now() - signalledAt;
      expect(took).toBeGreaterThanOrEqual(1900);
      expect(took).toBeLessThan(15_000);
      expect(output()).toContain('shutdown timed out');
    } finally {
      socket.destroy();
      child.kill('SIGKILL');
    }
  }, 90_000);
});
