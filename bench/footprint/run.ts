/**
 * `npm run bench footprint`: what `npm start` costs a new user (issue 18: ready ≤ 3 s, the whole process
 * tree ≤ 200 MB resident once idle). Starts `npm start` on a temporary DATA_DIR and PORT, fresh and then
 * existing, REPS times each: time to the first 200 on /health/ready, the tree's RSS (npm, sh, node…,
 * summed from /proc) after SETTLE_MS idle, and the tree's CPU seconds until ready. Baselines in the same
 * run: a bare Fastify process answering the same URL, and a bare PGlite open (its defaults) of the same
 * existing data directory. dist/ and web/dist are brought up to date (scripts/prestart.js, what the first
 * `npm start` does) before each measured start, so it measures a start, not a build; builds are reported
 * on their own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startAndWait, stopTree, treeCpuSeconds, treeRss, type TreeMemory } from './process-tree.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REPS = Number(process.env.BENCH_REPS ?? 3);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 3000);
const TARGETS = { ready_s: 3, tree_rss_mb: 200 };

interface Sample {
  ready_s: number;
  tree_rss_mb: number;
  cpu_s: number;
  memory: TreeMemory;
  rebuilt: boolean;
}

const HELLO = `
const { default: Fastify } = await import(process.argv[1]);
const app = Fastify();
app.get('/health/ready', async () => ({ status: 'ready' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
`;
const BARE_PGLITE = `
const { PGlite } = await import(process.argv[1]);
const { createServer } = await import('node:http');
const db = new PGlite(process.env.DATA_DIR);
await db.query('select 1');
createServer((_, res) => res.end('ready')).listen(Number(process.env.PORT), '127.0.0.1');
`;

function moduleUrl(name: string): string {
  return pathToFileURL(
    path.join(ROOT, 'node_modules', name, name === 'fastify' ? 'fastify.js' : 'dist/index.js'),
  ).href;
}

let nextPort = 23_000 + Math.floor(Math.random() * 2000);

async function sample(command: string, args: string[], dataDir: string): Promise<Sample> {
  const port = nextPort++;
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'NODE_OPTIONS']) delete env[name];
  const started = await startAndWait(command, args, {
    cwd: ROOT,
    env,
    url: `http://127.0.0.1:${port}/health/ready`,
    timeoutMs: 120_000,
  });
  try {
    const cpu = treeCpuSeconds(started.child.pid!);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const memory = treeRss(started.child.pid!);
    const rebuilt = /server: compiling|dashboard: building/.test(started.output());
    return { ready_s: started.readyMs / 1000, tree_rss_mb: memory.totalMb, cpu_s: cpu, memory, rebuilt };
  } finally {
    await stopTree(started.child);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summary(samples: Sample[]) {
  const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    ready_s: round(median(samples.map((s) => s.ready_s))),
    tree_rss_mb: round(median(samples.map((s) => s.tree_rss_mb)), 1),
    cpu_s: round(median(samples.map((s) => s.cpu_s))),
    // Starts whose prestart had to rebuild (a source changed since): their ready time includes the build.
    rebuilt: samples.filter((s) => s.rebuilt).length,
  };
}

function report(label: string, samples: Sample[]): void {
  const s = summary(samples);
  console.log(
    `${label}: ready ${s.ready_s} s, tree RSS ${s.tree_rss_mb} MB, CPU to ready ${s.cpu_s} s, rebuilt ${s.rebuilt}`,
  );
  const last = samples.at(-1)!.memory.processes;
  for (const p of last) console.log(`    ${p.rssMb.toFixed(1).padStart(7)} MB  ${p.name}`);
}

function buildFirst(): number {
  const started = performance.now();
  const { status } = spawnSync(process.execPath, ['scripts/prestart.js'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (status !== 0) throw new Error(`scripts/prestart.js exited with ${status}`);
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  let build_s = buildFirst();
  console.log(`build before the first start (only when stale): ${build_s.toFixed(1)} s`);
  const runs = {
    hello: [] as Sample[],
    pglite: [] as Sample[],
    fresh: [] as Sample[],
    existing: [] as Sample[],
  };
  const dirs: string[] = [];
  try {
    for (let rep = 0; rep < REPS; rep++) {
      const dir = mkdtempSync(path.join(tmpdir(), 'testweb-footprint-'));
      dirs.push(dir);
      runs.hello.push(
        await sample(process.execPath, ['--input-type=module', '-e', HELLO, moduleUrl('fastify')], dir),
      );
      // Sources edited since the last build (another edit in a shared tree) are compiled before, not during,
      // each measured start; a start that still had to rebuild says so in its `rebuilt` count.
      build_s += buildFirst();
      runs.fresh.push(await sample('npm', ['start'], dir));
      build_s += buildFirst();
      runs.existing.push(await sample('npm', ['start'], dir));
      const pgdata = path.join(dir, 'pgdata');
      const args = ['--input-type=module', '-e', BARE_PGLITE, moduleUrl('@electric-sql/pglite')];
      runs.pglite.push(await sample(process.execPath, args, pgdata));
      console.log(`repetition ${rep + 1} of ${REPS} done`);
    }
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  report('bare Fastify hello (baseline)', runs.hello);
  report('bare PGlite open of the existing data dir, its defaults (baseline)', runs.pglite);
  report('npm start, fresh DATA_DIR', runs.fresh);
  report('npm start, existing DATA_DIR', runs.existing);
  const baseline = { bare_fastify: summary(runs.hello), bare_pglite_open: summary(runs.pglite) };
  const measured = {
    fresh: summary(runs.fresh),
    existing: summary(runs.existing),
    builds_before_starts_s: Math.round(build_s * 10) / 10,
  };
  const worst = {
    ready_s: Math.max(measured.fresh.ready_s, measured.existing.ready_s),
    tree_rss_mb: Math.max(measured.fresh.tree_rss_mb, measured.existing.tree_rss_mb),
  };
  const ratios = {
    ready_vs_target: Math.round((worst.ready_s / TARGETS.ready_s) * 100) / 100,
    tree_rss_vs_target: Math.round((worst.tree_rss_mb / TARGETS.tree_rss_mb) * 100) / 100,
    existing_rss_vs_bare_pglite:
      Math.round((measured.existing.tree_rss_mb / baseline.bare_pglite_open.tree_rss_mb) * 100) / 100,
  };
  const config = { reps: REPS, settle_ms: SETTLE_MS, command: 'npm start', node: process.version };
  console.log(
    `BENCH_RESULT ${JSON.stringify({ name: 'footprint', baseline, measured, ratios, targets: TARGETS, config })}`,
  );
}

await main();
