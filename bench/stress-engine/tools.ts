/** The three load generators measured against the same target: TestWeb's stress engine, autocannon, wrk. */
import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngineRegistry, createEngineRunner, ENGINES } from '../../src/engines/index.ts';

export interface Figures {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  /** Requests per CPU-second the load generator spent: its efficiency, which contention distorts less than rps. */
  req_per_cpu_s: number;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/** Runs a tool under bash and returns its output and the CPU seconds it used (bash's `times` for children). */
function run(cmd: string, args: string[], timeoutMs: number): Promise<{ out: string; cpuS: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['-c', '"$@"; status=$?; times; exit $status', 'bash', cmd, ...args],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout) => {
        if (err) return reject(err);
        const lines = stdout.trimEnd().split('\n');
        const children = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines.pop() ?? '');
        lines.pop(); // the shell's own times
        if (!children) return reject(new Error(`no CPU times in output: ${stdout.slice(-200)}`));
        const cpuS =
          Number(children[1]) * 60 + Number(children[2]) + Number(children[3]) * 60 + Number(children[4]);
        resolve({ out: lines.join('\n'), cpuS });
      },
    );
  });
}

const perCpu = (requests: number, cpuS: number) => (cpuS > 0 ? Math.round(requests / cpuS) : 0);

/** TestWeb's stress engine, exactly as a test runs it (worker thread, HDR histogram). */
export async function testweb(url: string, connections: number, seconds: number): Promise<Figures> {
  const registry = createEngineRegistry(ENGINES);
  const runner = createEngineRunner({
    registry,
    allowPrivateTargets: true,
    log: quiet,
    limits: { stressMaxUsers: connections },
  });
  // CPU is counted from the end of the first second, so that starting the worker thread (and compiling
  // it under tsx) is not charged; requests of that first second are left out to match.
  let cpuFrom: NodeJS.CpuUsage | null = null;
  let firstSecond = 0;
  const progress = (_p: number, _m: string, live?: Record<string, number>) => {
    if (live && !cpuFrom) {
      cpuFrom = process.cpuUsage();
      firstSecond = live.rps!;
    }
  };
  try {
    const { metrics } = await runner.run({
      type: 'stress',
      url,
      options: { vus: connections, duration: seconds },
      signal: new AbortController().signal,
      progress,
    });
    const cpu = process.cpuUsage(cpuFrom ?? undefined);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    return {
      rps: metrics.rps_mean!,
      p50_ms: metrics.latency_p50_ms!,
      p99_ms: metrics.latency_p99_ms!,
      requests: metrics.requests_total!,
      req_per_cpu_s: perCpu(metrics.requests_total! - firstSecond, cpuS),
    };
  } finally {
    await runner.close();
  }
}

/** autocannon in its own process (its CLI), as a user would run it. */
export async function autocannon(url: string, connections: number, seconds: number): Promise<Figures> {
  const bin = path.join(root, 'node_modules', '.bin', 'autocannon');
  const { out, cpuS } = await run(
    bin,
    ['-c', String(connections), '-d', String(seconds), '-j', url],
    (seconds + 30) * 1000,
  );
  const json = JSON.parse(out) as {
    requests: { total: number };
    duration: number;
    latency: { p50: number; p99: number };
  };
  return {
    rps: json.requests.total / json.duration,
    p50_ms: json.latency.p50,
    p99_ms: json.latency.p99,
    requests: json.requests.total,
    req_per_cpu_s: perCpu(json.requests.total, cpuS),
  };
}

export function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function wrkLatency(out: string, percentile: string): number {
  const match = new RegExp(`^\\s*${percentile}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
  if (!match) throw new Error(`wrk output has no ${percentile}% latency`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** wrk with one thread (the other tools also generate load on one thread). */
export async function wrk(url: string, connections: number, seconds: number): Promise<Figures> {
  const { out, cpuS } = await run(
    'wrk',
    ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url],
    (seconds + 30) * 1000,
  );
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const total = /(\d+) requests in/.exec(out);
  if (!rps || !total) throw new Error(`unexpected wrk output: ${out}`);
  return {
    rps: Number(rps[1]),
    p50_ms: wrkLatency(out, '50'),
    p99_ms: wrkLatency(out, '99'),
    requests: Number(total[1]),
    req_per_cpu_s: perCpu(Number(total[1]), cpuS),
  };
}
