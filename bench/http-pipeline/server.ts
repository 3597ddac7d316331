/**
 * The server side of bench/http-pipeline, one process per variant (BENCH_PIPELINE_VARIANT):
 *
 * - `app`: the real app as `npm start` builds it (embedded, in-memory PGlite, logging off as in every
 *   benchmark, no queue worker), one registered user, and one extra route `GET /api/bench/noop` added by
 *   this script (not by the product) after buildApp, in the root context: it goes through every global
 *   hook (auth guard with JWT verify and revocation check, text guard, helmet, CORS, request id, HTTP
 *   metrics, session cookie) and its handler returns a constant object, so it measures the pipeline's own
 *   cost. `GET /api/auth/me` (the cheapest authenticated product route: one user row read) is measured too.
 * - `bare`: a bare Fastify answering `GET /bare` with the same object.
 *
 * Each reports its port (and the user's access token) over IPC, and its CPU time on request.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';

const variant = process.env.BENCH_PIPELINE_VARIANT === 'bare' ? 'bare' : 'app';

/** The JSON both no-op routes answer: the shape of GET /api/auth/me's answer. */
export const BODY = {
  id: '0b7c6c2e-7a0b-4a36-9d8e-3f3c0c1f6a11',
  email: 'owner@bench.test',
  role: 'user',
  displayName: null,
  locale: 'en',
  emailVerified: true,
  mfaEnabled: false,
  createdAt: '2026-12-07T00:00:00.000Z',
};

async function appServer(): Promise<{ app: FastifyInstance; token: string }> {
  const { config } = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'memory://',
    JWT_SECRET: 'bench-jwt-secret-bench-jwt-secret-0123456789',
    ENCRYPTION_KEY: 'bench-encryption-key-bench-encryption-key-0',
  });
  const app = await buildApp({ config, worker: false });
  app.get('/api/bench/noop', async () => BODY);
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email: 'owner@bench.test', password: 'a sturdy passphrase 42' },
  });
  if (res.statusCode !== 201 && res.statusCode !== 200)
    throw new Error(`register: ${res.statusCode} ${res.body}`);
  return { app, token: res.json<{ accessToken: string }>().accessToken };
}

const { app, token } =
  variant === 'app'
    ? await appServer()
    : { app: Fastify({ logger: false }).get('/bare', async () => BODY), token: '' };
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.send!({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0, token });
process.on('message', (m: { type: string }) => {
  // CPU time of this process (µs, user + system): the bench divides it by the requests of a window.
  if (m.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send!({ type: 'cpu', micros: user + system });
  }
  if (m.type === 'close') void app.close().then(() => process.exit(0));
});
