/**
 * bench/schedules: BENCH_SCHEDULES_N (10,000) enabled schedules at a 60 s interval, their anchors spread
 * over the minute, running a no-op engine.
 *
 * Services mode (PostgreSQL + BullMQ): the scheduler runs alone in a child process, the worker in this
 * one, and a control child (the same app, receiving the same test events from Redis, without a scheduler)
 * runs beside it: the scheduler's CPU is the scheduler child's minus the control's over the same window.
 * Embedded mode: BENCH_SCHEDULES_EMBEDDED_N (1,000) schedules in one process on PGlite on disk; its
 * control is a second window in which the schedules are paused and as many tests per minute are
 * submitted directly.
 *
 * Reported per mode, over the ticks due in the measured window: tick lateness (claim − tick time, and test
 * created − tick time) p50/p99/max, duplicates (tests beyond one per queued tick, ticks beyond one per
 * grid slot), ticks missing from the window, overlap skips and catch-ups, and the scheduler's CPU as a
 * share of one core and per run. The baseline is the queue benchmark's per-test cost from
 * bench/results/latest.json (a figure of the same machine).
 *
 * BENCH_SCHEDULES_SECONDS (60: one round of every schedule), BENCH_SCHEDULES_WARMUP_S (10),
 * BENCH_SCHEDULES_MODES (services,embedded), BENCH_DATABASE_URL, BENCH_REDIS_URL. */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../src/app.ts';
import type { DatabaseConfig } from '../../src/config/index.ts';
import { createBenchDatabase, noopEngine, redisAnswers, removeRedisKeys } from '../queue/bench-support.ts';
import { benchConfig } from './bench-config.ts';
import { drain, enableSpread, INTERVAL_MS, measure, seed } from './workload.ts';
import type { SchedulerCommand, SchedulerReply } from './scheduler-process.ts';

const N = Number(process.env.BENCH_SCHEDULES_N ?? 10_000);
const EMBEDDED_N = Number(process.env.BENCH_SCHEDULES_EMBEDDED_N ?? 1_000);
const DURATION_MS = Number(process.env.BENCH_SCHEDULES_SECONDS ?? 60) * 1000;
const WARMUP_MS = Number(process.env.BENCH_SCHEDULES_WARMUP_S ?? 10) * 1000;
const MODES = (process.env.BENCH_SCHEDULES_MODES ?? 'services,embedded').split(',');
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const here = path.dirname(fileURLToPath(import.meta.url));

interface ModeResult {
  schedules: number;
  ticks: number;
  queued: number;
  ticksExpected: number;
  claimLateMs: { p50: number; p99: number; max: number };
  submitLateMs: { p50: number; p99: number; max: number };
  duplicates: number;
  skippedOverlap: number;
  catchUps: number;
  cpuPctOfCore: number;
  cpuMsPerRun: number;
}

function report(
  label: string,
  n: number,
  m: Awaited<ReturnType<typeof measure>>,
  cpuMs: number,
  wallMs: number,
): ModeResult {
  const expected = Math.round((n * DURATION_MS) / INTERVAL_MS);
  const cpuPct = Number(((cpuMs / wallMs) * 100).toFixed(2));
  const perRun = Number((cpuMs / Math.max(1, m.ticks)).toFixed(3));
  console.log(
    `${label}: ${m.ticks}/${expected} ticks (${m.queued} queued) in ${(DURATION_MS / 1000).toFixed(0)} s; claim lateness p50 ${m.claim.p50} ms, p99 ${m.claim.p99} ms, max ${m.claim.max} ms; ` +
      `test created p50 ${m.submit.p50} ms, p99 ${m.submit.p99} ms after its tick; duplicates ${m.duplicates}; overlap skips ${m.overlap}; catch-ups ${m.catchUps}; ` +
      `CPU ${cpuPct} % of a core (${perRun} ms per run)`,
  );
  return {
    schedules: n,
    ticks: m.ticks,
    queued: m.queued,
    ticksExpected: expected,
    claimLateMs: m.claim,
    submitLateMs: m.submit,
    duplicates: m.duplicates,
    skippedOverlap: m.overlap,
    catchUps: m.catchUps,
    cpuPctOfCore: cpuPct,
    cpuMsPerRun: perRun,
  };
}

/** A scheduler-process.ts child in `role`, with a promise per reply type. */
function spawnChild(role: 'scheduler' | 'control', env: Record<string, string>) {
  const child = fork(path.join(here, 'scheduler-process.ts'), [], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_SCHEDULES_PROF && role === 'scheduler'
        ? ['--cpu-prof', '--cpu-prof-dir=/tmp/schedprof']
        : []),
    ],
    env: { ...process.env, ...env, BENCH_ROLE: role },
  });
  const replies: SchedulerReply[] = [];
  child.on('message', (m: SchedulerReply) => void replies.push(m));
  return {
    send: (c: SchedulerCommand) => child.send(c),
    reply: <T extends SchedulerReply['type']>(type: T) =>
      new Promise<Extract<SchedulerReply, { type: T }>>((resolve) => {
        const found = replies.find((r) => r.type === type);
        if (found) return resolve(found as Extract<SchedulerReply, { type: T }>);
        child.on(
          'message',
          (m: SchedulerReply) => m.type === type && resolve(m as Extract<SchedulerReply, { type: T }>),
        );
      }),
    async exit(): Promise<void> {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

async function services(): Promise<ModeResult & { processCpuPct: number; controlCpuPct: number }> {
  const prefix = `bench-sched-${randomBytes(4).toString('hex')}`;
  const env = { REDIS_URL, QUEUE_PREFIX: prefix, REDIS_KEY_PREFIX: `${prefix}:` };
  const database = await createBenchDatabase(PG_URL);
  const dbConfig: DatabaseConfig = { driver: 'pg', url: database.url, poolMax: 20 };
  const app = await buildApp({
    config: benchConfig(env, dbConfig),
    extraEngines: [noopEngine],
    worker: false,
    monitoring: false,
  });
  await app.ready();
  // This process runs tests only: the worker without the scheduler (which runs in a child).
  app.testQueue.startWorker();
  const children = [spawnChild('scheduler', { ...env, BENCH_DB_URL: database.url })];
  children.push(spawnChild('control', { ...env, BENCH_DB_URL: database.url }));
  try {
    await seed(app, N);
    await Promise.all(children.map((c) => c.reply('ready')));
    const t0 = Date.now() + 2000;
    await enableSpread(app.database.db, N, t0);
    for (const c of children)
      c.send({ cmd: 'start', warmupMs: t0 - Date.now() + WARMUP_MS, durationMs: DURATION_MS });
    const [cpu, control] = await Promise.all(children.map((c) => c.reply('cpu')));
    // Ticks due at the window's end are claimed within a poll or two: give them the time before stopping.
    await new Promise((r) => setTimeout(r, 2000));
    for (const c of children) c.send({ cmd: 'stop' });
    await Promise.all(children.map((c) => c.reply('stopped')));
    await drain(app.database.db);
    const m = await measure(app.database.db, t0 + WARMUP_MS, t0 + WARMUP_MS + DURATION_MS);
    const pct = (x: { cpuMs: number; wallMs: number }) => Number(((x.cpuMs / x.wallMs) * 100).toFixed(2));
    console.log(
      `  scheduler process ${pct(cpu!)} % of a core, control process (same app, same events, no scheduler) ${pct(control!)} %`,
    );
    const own = Math.max(0, cpu!.cpuMs - (control!.cpuMs * cpu!.wallMs) / control!.wallMs);
    const r = report('services mode (scheduler process − control process)', N, m, own, cpu!.wallMs);
    return { ...r, processCpuPct: pct(cpu!), controlCpuPct: pct(control!) };
  } finally {
    await Promise.all(children.map((c) => c.exit()));
    await app.close();
    await database.drop();
    await removeRedisKeys(REDIS_URL, `${prefix}*`);
  }
}

/** CPU ms of this process over `ms`. */
async function cpuOver(ms: number): Promise<{ cpuMs: number; wallMs: number }> {
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - w0 };
}

/**
 * One process on PGlite. First the control: as many tests per minute as the schedules will make,
 * submitted directly the way the scheduler submits them (worker + tests); then the schedules tick
 * (scheduler + worker + tests). The difference of the two windows' CPU is the scheduler's.
 */
async function embedded(): Promise<ModeResult & { processCpuPct: number; controlCpuPct: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'testweb-bench-schedules-'));
  const app = await buildApp({
    config: benchConfig({}, { driver: 'pglite', dir }),
    extraEngines: [noopEngine],
    worker: true,
    monitoring: false,
  });
  await app.ready();
  try {
    await seed(app, EMBEDDED_N);
    // The control first: the same tests per minute, submitted as the scheduler submits them, no scheduler.
    await app.schedules.scheduler.stop();
    const user = await app.database.db.selectFrom('users').select('id').executeTakeFirstOrThrow();
    const definition = await app.tests.validate(
      { type: 'noop', url: 'http://127.0.0.1:9/control', options: {} },
      { resolveTarget: false },
    );
    let submitting = true;
    // In bursts every 250 ms, as the scheduler's polls deliver them (the embedded driver claims in batches).
    const submitter = (async () => {
      const perPoll = (EMBEDDED_N * 250) / INTERVAL_MS;
      let owed = 0;
      for (let next = performance.now(); submitting; next += 250) {
        await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
        owed += perPoll;
        const burst = Math.floor(owed);
        owed -= burst;
        await Promise.all(Array.from({ length: burst }, () => app.tests.submit(user.id, definition)));
      }
    })();
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const control = await cpuOver(DURATION_MS);
    submitting = false;
    await submitter;
    await drain(app.database.db);

    app.schedules.scheduler.start();
    const t0 = Date.now() + 2000;
    await enableSpread(app.database.db, EMBEDDED_N, t0);
    await new Promise((r) => setTimeout(r, t0 - Date.now() + WARMUP_MS));
    const ticking = await cpuOver(DURATION_MS);
    // Ticks due at the window's end are claimed within a poll or two.
    await new Promise((r) => setTimeout(r, 2000));
    await app.schedules.scheduler.stop();
    await drain(app.database.db);
    const m = await measure(app.database.db, t0 + WARMUP_MS, t0 + WARMUP_MS + DURATION_MS);
    const pct = (x: { cpuMs: number; wallMs: number }) => Number(((x.cpuMs / x.wallMs) * 100).toFixed(2));
    console.log(
      `  process ${pct(ticking)} % of a core while ticking, ${pct(control)} % running as many tests submitted directly`,
    );
    const own = Math.max(0, ticking.cpuMs - (control.cpuMs * ticking.wallMs) / control.wallMs);
    const r = report('embedded mode (ticking − direct submission)', EMBEDDED_N, m, own, ticking.wallMs);
    return { ...r, processCpuPct: pct(ticking), controlCpuPct: pct(control) };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The queue benchmark's services-mode throughput on this machine (its last recorded run). */
function queuePerTestMs(): number | null {
  const file = path.join(here, '..', 'results', 'latest.json');
  if (!existsSync(file)) return null;
  const results = (
    JSON.parse(readFileSync(file, 'utf8')) as {
      results: Array<{ name: string; measured?: Record<string, number> }>;
    }
  ).results;
  const perMin = results.find((r) => r.name === 'queue')?.measured?.services_tests_per_min;
  return perMin ? 60_000 / perMin : null;
}

async function main(): Promise<void> {
  console.log(
    `bench/schedules: ${N} schedules (services), ${EMBEDDED_N} (embedded), every 60 s, ${DURATION_MS / 1000} s measured after ${WARMUP_MS / 1000} s`,
  );
  const svc = MODES.includes('services') && (await redisAnswers(REDIS_URL)) ? await services() : null;
  if (!svc) console.log(`services mode skipped (not asked for, or Redis at ${REDIS_URL} does not answer)`);
  const emb = MODES.includes('embedded') ? await embedded() : null;
  const perTest = queuePerTestMs();
  const ratio = svc && perTest ? Number((svc.cpuMsPerRun / perTest).toFixed(3)) : null;
  if (ratio !== null)
    console.log(
      `scheduler CPU per run ${svc!.cpuMsPerRun} ms vs the queue benchmark's ${perTest!.toFixed(3)} ms per test: ${ratio}`,
    );
  console.log(
    `BENCH_RESULT ${JSON.stringify({
      name: 'schedules',
      baseline: { queue_services_ms_per_test: perTest === null ? null : Number(perTest.toFixed(3)) },
      measured: { services: svc, embedded: emb, duration_s: DURATION_MS / 1000 },
      ratios: { scheduler_cpu_per_run_vs_queue_per_test: ratio },
      targets: { claim_lateness_p99_ms: 1000, duplicates: 0, scheduler_cpu_pct_of_core: 10 },
    })}`,
  );
}

await main();
process.exit(0);
