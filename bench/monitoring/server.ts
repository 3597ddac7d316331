/**
 * The server side of bench/monitoring, one process per variant so the load generator and the other variant
 * share nothing with it: the real app (embedded, in-memory PGlite, logging off as in every benchmark) with
 * monitoring on (the HTTP histogram and the sampler at MONITORING_INTERVAL, 10 s by default) or off
 * (`buildApp({ monitoring: false })`). It listens on a free loopback port and reports it over IPC.
 */
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';

const on = process.env.BENCH_MONITORING_VARIANT !== 'off';
const { config } = loadConfig({
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  DATABASE_URL: 'memory://',
  JWT_SECRET: 'bench-jwt-secret-bench-jwt-secret-0123456789',
  ENCRYPTION_KEY: 'bench-encryption-key-bench-encryption-key-0',
  MONITORING_INTERVAL: process.env.BENCH_MONITORING_INTERVAL ?? '10s',
});
const app = await buildApp({ config, worker: false, monitoring: on });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.send!({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
process.on('message', (m: { type: string }) => {
  // CPU time of this process (µs, user + system): the bench divides it by the requests of a window.
  if (m.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send!({ type: 'cpu', micros: user + system });
  }
  if (m.type === 'close') void app.close().then(() => process.exit(0));
});
