/**
 * The server side of bench/api-tokens, in its own process: the real app (no worker) on a fresh PostgreSQL
 * database (BENCH_DATABASE_URL / TESTWEB_TEST_DATABASE_URL), or embedded PGlite when neither is set, with
 * one account, its JWT access token and a personal API token (`tw_…`, tests:read). Tells the runner
 * `{ type: 'ready', port, jwt, apiToken }` over IPC and runs until it is killed.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createApiTokenRepository } from '../../src/modules/auth/api-tokens/api-token.repository.ts';
import { hashApiToken } from '../../src/modules/auth/api-tokens/api-token-format.ts';

const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TESTWEB_TEST_DATABASE_URL;
const name = `testweb_bench_tokens_${randomBytes(4).toString('hex')}`;
let databaseUrl = 'memory://';
if (PG_URL) {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
}

const { config } = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  JWT_SECRET: 'b'.repeat(40),
  ENCRYPTION_KEY: 'e'.repeat(40),
  ACCESS_TOKEN_TTL: '3h',
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_MAX: '20',
});
const app = await buildApp({ config, worker: false, monitoring: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

const registered = await app.inject({
  method: 'POST',
  url: '/api/auth/register',
  payload: { email: 'bench@example.test', password: 'a sturdy passphrase 42' },
});
const jwt = registered.json<{ accessToken: string }>().accessToken;
const created = await app.inject({
  method: 'POST',
  url: '/api/auth/tokens',
  headers: { authorization: `Bearer ${jwt}` },
  payload: { name: 'bench', scopes: ['tests:read'] },
});
const apiToken = created.json<{ token: string }>().token;

/** Sequential, in this process (no network, no load generator): µs per call, median of 5 alternating rounds. */
async function perCall(fn: () => Promise<unknown>, n = 1000): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / n / 1000;
}
const me = (token: string) => async () => {
  const res = await app.inject({
    method: 'GET',
    url: '/api/auth/me',
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.statusCode !== 200) throw new Error(`GET /api/auth/me answered ${res.statusCode}`);
};
const repo = createApiTokenRepository(app.database.db);
const hash = hashApiToken(apiToken);
const rounds: Record<'jwt' | 'apiToken' | 'lookup', number[]> = { jwt: [], apiToken: [], lookup: [] };
for (let r = 0; r < 5; r++) {
  rounds.jwt.push(await perCall(me(jwt)));
  rounds.apiToken.push(await perCall(me(apiToken)));
  rounds.lookup.push(await perCall(() => repo.findByHash(hash)));
}
const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[2]! * 10) / 10;
const sequentialUs = {
  jwt: median(rounds.jwt),
  apiToken: median(rounds.apiToken),
  lookup: median(rounds.lookup),
};
process.send!({ type: 'ready', port, jwt, apiToken, database: PG_URL ? 'postgres' : 'pglite', sequentialUs });

const stop = async () => {
  await app.close();
  if (PG_URL) {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  process.exit(0);
};
process.on('message', (m: { type: string }) => void (m.type === 'stop' && stop()));
