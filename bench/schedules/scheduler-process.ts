/**
 * A process of bench/schedules in services mode: the real app without a worker. With BENCH_ROLE=scheduler
 * its scheduler is started on command (claiming ticks, recording them and submitting their tests: INSERT,
 * BullMQ add, TestQueued); with BENCH_ROLE=control it only does what every API process does — receive the
 * tests' events from Redis and react (cache invalidation, realtime) — so the difference of the two
 * processes' CPU time (process.cpuUsage) over the same window is the scheduler's own. Tests run in the
 * orchestrator's process. Talks to run.ts over IPC.
 */
import { buildApp } from '../../src/app.ts';
import { noopEngine } from '../queue/bench-support.ts';
import { benchConfig } from './bench-config.ts';

export type SchedulerCommand = { cmd: 'start'; warmupMs: number; durationMs: number } | { cmd: 'stop' };
export type SchedulerReply =
  | { type: 'ready' }
  | { type: 'cpu'; cpuMs: number; wallMs: number; stats: Record<string, number> }
  | { type: 'stopped' };

const send = (m: SchedulerReply) => process.send!(m);

const app = await buildApp({
  config: benchConfig(
    {
      REDIS_URL: process.env.REDIS_URL!,
      QUEUE_PREFIX: process.env.QUEUE_PREFIX!,
      REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX!,
    },
    {
      driver: 'pg',
      url: process.env.BENCH_DB_URL!,
      poolMax: 10,
    },
  ),
  extraEngines: [noopEngine],
  worker: false,
  monitoring: false,
});
await app.ready();

process.on('message', (m: SchedulerCommand) => {
  if (m.cmd === 'start') {
    if (process.env.BENCH_ROLE === 'scheduler') app.schedules.scheduler.start();
    setTimeout(() => {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const stats0 = app.schedules.scheduler.stats();
      setTimeout(() => {
        const cpu = process.cpuUsage(cpu0);
        const stats = app.schedules.scheduler.stats();
        send({
          type: 'cpu',
          cpuMs: (cpu.user + cpu.system) / 1000,
          wallMs: performance.now() - t0,
          stats: Object.fromEntries(
            Object.entries(stats).map(([k, v]) => [k, v - (stats0 as Record<string, number>)[k]!]),
          ),
        });
      }, m.durationMs);
    }, m.warmupMs);
  } else if (m.cmd === 'stop') {
    void app.close().then(() => {
      send({ type: 'stopped' });
      process.exit(0);
    });
  }
});
send({ type: 'ready' });
