/**
 * bench/stress-engine: TestWeb's stress engine against a bare node:http server in another process, with
 * the same connections and duration as autocannon and wrk, all measuring the same target in the same
 * run (tools interleaved, medians of the repetitions). Targets (issue 18): requests/s ≥ 1.0 × autocannon's,
 * and p50/p99 latency within 15 % of wrk's. Without wrk installed the bench says so and goes on.
 *
 * BENCH_STRESS_CONNECTIONS (50), BENCH_STRESS_SECONDS (10), BENCH_STRESS_REPS (3).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { autocannon, hasWrk, testweb, wrk, type Figures } from './tools.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const CONNECTIONS = Number(process.env.BENCH_STRESS_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_STRESS_SECONDS ?? 10);
const REPS = Number(process.env.BENCH_STRESS_REPS ?? 3);

type Tool = 'testweb' | 'autocannon' | 'wrk';
const TOOLS: Record<Tool, (url: string, c: number, s: number) => Promise<Figures>> = {
  testweb,
  autocannon,
  wrk,
};

function startTarget(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'target-server.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('target server did not start')), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /PORT (\d+)/.exec(chunk.toString());
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${match[1]}/` });
      }
    });
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const r2 = (n: number) => Math.round(n * 100) / 100;

function summarise(runs: Figures[]): Figures {
  const m = (key: keyof Figures) => r2(median(runs.map((r) => r[key])));
  return {
    rps: m('rps'),
    p50_ms: m('p50_ms'),
    p99_ms: m('p99_ms'),
    requests: Math.round(m('requests')),
    req_per_cpu_s: Math.round(m('req_per_cpu_s')),
  };
}

async function main() {
  const tools: Tool[] = hasWrk() ? ['testweb', 'autocannon', 'wrk'] : ['testweb', 'autocannon'];
  if (!tools.includes('wrk'))
    console.log('wrk is not installed (Debian: apt-get install wrk): measuring against autocannon only');
  console.log(
    `${CONNECTIONS} connections, ${SECONDS} s per tool, ${REPS} repetitions (order rotated), medians reported`,
  );
  const { child, url } = await startTarget();
  const runs: Record<string, Figures[]> = {};
  try {
    // A cold server (JIT, first connections) would penalise whichever tool happens to run first.
    await autocannon(url, CONNECTIONS, 3);
    for (let rep = 0; rep < REPS; rep++) {
      for (let i = 0; i < tools.length; i++) {
        const tool = tools[(i + rep) % tools.length]!;
        const figures = await TOOLS[tool](url, CONNECTIONS, SECONDS);
        (runs[tool] ??= []).push(figures);
        console.log(
          `  rep ${rep + 1} ${tool.padEnd(10)} ${figures.rps.toFixed(0).padStart(7)} req/s  p50 ${figures.p50_ms.toFixed(2)} ms  p99 ${figures.p99_ms.toFixed(2)} ms  ${figures.req_per_cpu_s} req/CPU-s`,
        );
      }
    }
  } finally {
    child.kill('SIGTERM');
  }
  const med = Object.fromEntries(
    Object.entries(runs).map(([tool, list]) => [tool, summarise(list)]),
  ) as Record<Tool, Figures>;
  const ratios: Record<string, number> = { rps_vs_autocannon: r2(med.testweb.rps / med.autocannon.rps) };
  if (med.wrk) {
    ratios.rps_vs_wrk = r2(med.testweb.rps / med.wrk.rps);
    ratios.autocannon_rps_vs_wrk = r2(med.autocannon.rps / med.wrk.rps);
    ratios.p50_vs_wrk = r2(med.testweb.p50_ms / med.wrk.p50_ms);
    ratios.p99_vs_wrk = r2(med.testweb.p99_ms / med.wrk.p99_ms);
  }
  // Paired ratios (tools measured back to back within one repetition) resist the slow drift of a shared
  // machine better than ratios of medians; both are reported.
  const paired = (key: keyof Figures, base: Tool) =>
    r2(median(runs.testweb!.map((f, i) => f[key] / runs[base]![i]![key])));
  ratios.paired_rps_vs_autocannon = paired('rps', 'autocannon');
  ratios.cpu_efficiency_vs_autocannon = paired('req_per_cpu_s', 'autocannon');
  if (runs.wrk) {
    ratios.paired_p50_vs_wrk = paired('p50_ms', 'wrk');
    ratios.paired_p99_vs_wrk = paired('p99_ms', 'wrk');
  }
  console.log('\nmedians:');
  for (const [tool, f] of Object.entries(med))
    console.log(
      `  ${tool.padEnd(10)} ${f.rps.toFixed(0).padStart(7)} req/s  p50 ${f.p50_ms} ms  p99 ${f.p99_ms} ms  ${f.req_per_cpu_s} req/CPU-s`,
    );
  console.log(`ratios: ${JSON.stringify(ratios)}`);
  const { testweb: measured, ...baseline } = med;
  const targets = { rps_vs_autocannon: '>= 1.0', p50_vs_wrk: '0.85–1.15', p99_vs_wrk: '0.85–1.15' };
  console.log(
    `BENCH_RESULT ${JSON.stringify({ name: 'stress-engine', baseline, measured, ratios, targets, config: { connections: CONNECTIONS, seconds: SECONDS, reps: REPS, wrk: tools.includes('wrk') } })}`,
  );
}

await main();
