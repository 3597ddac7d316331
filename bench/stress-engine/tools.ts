/** The three load generators measured against the same target: TestWeb's stress engine, autocannon, wrk. */
import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngineRegistry, createEngineRunner, ENGINES } from '../../src/modules/tests/engines/index.ts';

export interface Figures {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined };

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

/** TestWeb's stress engine, exactly as a test runs it (worker thread, HDR histogram). */
export async function testweb(url: string, connections: number, seconds: number): Promise<Figures> {
  const registry = createEngineRegistry(ENGINES);
  const runner = createEngineRunner({ registry, allowPrivateTargets: true, log: quiet, limits: { stressMaxUsers: connections } });
  try {
    const { metrics } = await runner.run({ type: 'stress', url, options: { vus: connections, duration: seconds }, signal: new AbortController().signal, progress: () => undefined });
    return { rps: metrics.rps_mean!, p50_ms: metrics.latency_p50_ms!, p99_ms: metrics.latency_p99_ms!, requests: metrics.requests_total! };
  } finally {
    await runner.close();
  }
}

/** autocannon in its own process (its CLI), as a user would run it. */
export async function autocannon(url: string, connections: number, seconds: number): Promise<Figures> {
  const bin = path.join(root, 'node_modules', '.bin', 'autocannon');
  const out = await run(bin, ['-c', String(connections), '-d', String(seconds), '-j', url], (seconds + 30) * 1000);
  const json = JSON.parse(out) as { requests: { total: number }; duration: number; latency: { p50: number; p99: number } };
  return { rps: json.requests.total / json.duration, p50_ms: json.latency.p50, p99_ms: json.latency.p99, requests: json.requests.total };
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
  const out = await run('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url], (seconds + 30) * 1000);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const total = /(\d+) requests in/.exec(out);
  if (!rps || !total) throw new Error(`unexpected wrk output: ${out}`);
  return { rps: Number(rps[1]), p50_ms: wrkLatency(out, '50'), p99_ms: wrkLatency(out, '99'), requests: Number(total[1]) };
}
