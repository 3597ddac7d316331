/**
 * bench/api-tokens: what a personal API token costs per request against a JWT access token. The app
 * (server.ts, its own process) answers GET /api/auth/me for the same account; autocannon drives it at 50
 * connections with the JWT (verified in memory, cached after the first HMAC) and with the `tw_` token
 * (looked up by SHA-256 in api_tokens joined with users on every request), alternating, medians of
 * BENCH_TOKENS_ROUNDS rounds of BENCH_TOKENS_SECONDS each after a warm-up.
 *
 * `npm run bench api-tokens`; on PostgreSQL when BENCH_DATABASE_URL or TESTWEB_TEST_DATABASE_URL is set,
 * else on embedded PGlite.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, type Figures } from '../cache/load.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_TOKENS_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_TOKENS_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_TOKENS_WARMUP ?? 3);

interface Ready {
  type: 'ready';
  port: number;
  jwt: string;
  apiToken: string;
  database: string;
  sequentialUs: { jwt: number; apiToken: number; lookup: number };
}

const server = fork(path.join(here, 'server.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
const ready = await new Promise<Ready>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('the server did not start in time')), 120_000);
  server.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  server.on('message', (m: Ready) => {
    if (m.type !== 'ready') return;
    clearTimeout(timer);
    resolve(m);
  });
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const run = (token: string, seconds: number) =>
  load(
    ready.port,
    seconds,
    () => '/api/auth/me',
    () => token,
    CONNECTIONS,
  );

await run(ready.jwt, WARMUP);
await run(ready.apiToken, WARMUP);
const jwt: Figures[] = [];
const api: Figures[] = [];
for (let r = 0; r < ROUNDS; r++) {
  jwt.push(await run(ready.jwt, SECONDS));
  api.push(await run(ready.apiToken, SECONDS));
}
const summary = (runs: Figures[]) => ({
  rps: median(runs.map((f) => f.rps)),
  p50_ms: median(runs.map((f) => f.p50_ms)),
  p95_ms: median(runs.map((f) => f.p95_ms)),
  p99_ms: median(runs.map((f) => f.p99_ms)),
  non_2xx: runs.reduce((n, f) => n + f.non_2xx, 0),
  errors: runs.reduce((n, f) => n + f.errors, 0),
});
const baseline = summary(jwt);
const measured = summary(api);
// One event loop at saturation: server time per request ≈ 1 / throughput.
const perRequestUs = Math.round(1e6 / measured.rps - 1e6 / baseline.rps);
const seq = ready.sequentialUs;
console.log(
  `GET /api/auth/me on ${ready.database}, ${CONNECTIONS} connections, median of ${ROUNDS} × ${SECONDS} s`,
);
console.log(
  `  JWT access token : ${baseline.rps} req/s, p50 ${baseline.p50_ms} ms, p95 ${baseline.p95_ms} ms, p99 ${baseline.p99_ms} ms`,
);
console.log(
  `  tw_ API token    : ${measured.rps} req/s, p50 ${measured.p50_ms} ms, p95 ${measured.p95_ms} ms, p99 ${measured.p99_ms} ms`,
);
console.log(
  `  non-2xx ${baseline.non_2xx} / ${measured.non_2xx}, errors ${baseline.errors} / ${measured.errors}`,
);
console.log(`  ≈ ${perRequestUs} µs more server time per request with the API token (from throughput)`);
console.log(
  `  in-process, sequential: JWT ${seq.jwt} µs, tw_ ${seq.apiToken} µs per request; the uncached lookup by hash ${seq.lookup} µs (once per token per ${10} s per process)`,
);
console.log(
  `BENCH_RESULT ${JSON.stringify({
    name: 'api-tokens',
    database: ready.database,
    baseline,
    measured,
    sequentialUs: seq,
    ratios: { rps: Math.round((measured.rps / baseline.rps) * 1000) / 1000 },
  })}`,
);
server.send({ type: 'stop' });
