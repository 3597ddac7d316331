/**
 * bench/ws: 1,000 / 5,000 / 10,000 authenticated, subscribed WebSockets on one TestWeb server process,
 * driven by a client in a separate process; a broadcast to all of them; connection rate, server RSS per
 * connection, delivery latency p50/p99 and messages lost. Baseline in the same run: a bare `ws` server
 * doing the same broadcast. Sizes: BENCH_WS_SIZES=1000,5000,10000; broadcasts: BENCH_WS_MESSAGES=10.
 *
 * Every process raises its soft open-file limit to the hard limit (20,000 here), and each size gets fresh processes, so
 * sockets in TIME_WAIT from one size never starve the next of ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientCommand, ClientReply, ServerCommand, ServerReply } from './bench-ipc.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const SIZES = (process.env.BENCH_WS_SIZES ?? '1000,5000,10000').split(',').map(Number);
const MESSAGES = Number(process.env.BENCH_WS_MESSAGES ?? 10);
const PAUSE_MS = 100;
/** A message not delivered this long after its broadcast counts as lost. */
const BROADCAST_TIMEOUT_MS = 30_000;
const PHASE_TIMEOUT_MS = 120_000;

type Impl = 'bare_ws' | 'testweb';
interface Figures {
  connections: number;
  opened: number;
  failed: number;
  connect_per_s: number;
  rss_per_conn_kib: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  lost: number;
}

function start(file: string, args: string[] = [], gc = false): ChildProcess {
  const node = [
    process.execPath,
    ...(gc ? ['--expose-gc'] : []),
    '--import',
    'tsx',
    path.join(here, file),
    ...args,
  ];
  // Raise the soft open-file limit to the hard one (containers may refuse raising the hard limit).
  return spawn('sh', ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$@"', 'sh', ...node], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function reply<T extends ServerReply | ClientReply>(
  child: ChildProcess,
  type: T['type'],
  command?: ServerCommand | ClientCommand,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${type} reply within ${PHASE_TIMEOUT_MS} ms`)),
      PHASE_TIMEOUT_MS,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited (${code}) before its ${type} reply`));
    });
    const onMessage = (message: ServerReply | ClientReply) => {
      if (message.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
    if (command) child.send(command);
  });
}

async function measure(impl: Impl, size: number): Promise<Figures> {
  const server = start(impl === 'bare_ws' ? 'bare-server.ts' : 'testweb-server.ts', [], true);
  let client: ChildProcess | null = null;
  try {
    const ready = await reply<Extract<ServerReply, { type: 'ready' }>>(server, 'ready');
    const before = await reply<Extract<ServerReply, { type: 'rss' }>>(server, 'rss', { cmd: 'rss' });
    client = start('client.ts', [`ws://127.0.0.1:${ready.port}/ws`, ready.token ?? '-', String(size)]);
    const connected = await reply<Extract<ClientReply, { type: 'connected' }>>(client, 'connected', {
      cmd: 'connect',
    });
    await new Promise((r) => setTimeout(r, 500));
    const after = await reply<Extract<ServerReply, { type: 'rss' }>>(server, 'rss', { cmd: 'rss' });
    // Closed loop: the next broadcast starts when every socket has the previous one (or it timed out), so
    // latency is one broadcast's delivery, not a backlog the client built up.
    let lost = (size - connected.opened) * MESSAGES;
    for (let seq = 0; seq < MESSAGES; seq++) {
      const arrived = reply<Extract<ClientReply, { type: 'arrived' }>>(client, 'arrived', {
        cmd: 'await',
        seq,
        timeoutMs: BROADCAST_TIMEOUT_MS,
      });
      server.send({ cmd: 'publish', seq } satisfies ServerCommand);
      lost += connected.opened - (await arrived).count;
      await new Promise((r) => setTimeout(r, PAUSE_MS));
    }
    const r = await reply<Extract<ClientReply, { type: 'report' }>>(client, 'report', { cmd: 'report' });
    return {
      connections: size,
      opened: connected.opened,
      failed: connected.failed,
      connect_per_s: Math.round(connected.opened / (connected.ms / 1000)),
      rss_per_conn_kib:
        Math.round(((after.rss - before.rss) / Math.max(1, after.connections) / 1024) * 10) / 10,
      p50_ms: r.p50,
      p99_ms: r.p99,
      max_ms: r.max,
      lost,
    };
  } finally {
    client?.kill('SIGKILL');
    server.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const results: Record<Impl, Figures[]> = { bare_ws: [], testweb: [] };
for (const size of SIZES) {
  for (const impl of ['bare_ws', 'testweb'] as Impl[]) {
    const figures = await measure(impl, size).catch((err: unknown) => {
      console.error(`bench/ws ${impl} ${size}: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    });
    if (figures) results[impl].push(figures);
    console.log(`${impl.padEnd(8)} ${JSON.stringify(figures)}`);
  }
}

console.log('\nimpl      conns   opened  conn/s  KiB/conn  p50 ms  p99 ms  max ms  lost');
for (const impl of ['bare_ws', 'testweb'] as Impl[]) {
  for (const f of results[impl]) {
    console.log(
      `${impl.padEnd(8)} ${String(f.connections).padStart(6)} ${String(f.opened).padStart(8)} ${String(f.connect_per_s).padStart(7)} ${String(f.rss_per_conn_kib).padStart(9)} ${String(f.p50_ms).padStart(7)} ${String(f.p99_ms).padStart(7)} ${String(f.max_ms).padStart(7)} ${String(f.lost).padStart(5)}`,
    );
  }
}

const ratios: Record<string, number> = {};
for (const f of results.testweb) {
  const base = results.bare_ws.find((b) => b.connections === f.connections);
  if (base)
    ratios[`p99_vs_bare_at_${f.connections}`] =
      Math.round((f.p99_ms / Math.max(0.01, base.p99_ms)) * 100) / 100;
}
const byKey = (impl: Impl) => Object.fromEntries(results[impl].map((f) => [String(f.connections), f]));
const targets = {
  held_connections: 10_000,
  lost: 0,
  p99_vs_bare_at_10000: '≤ 2',
  rss_per_conn_kib: '≤ 20',
  connect_per_s: '≥ 1000',
};
console.log(
  `BENCH_RESULT ${JSON.stringify({ name: 'ws', baseline: byKey('bare_ws'), measured: byKey('testweb'), ratios, targets, messages_per_run: MESSAGES })}`,
);
