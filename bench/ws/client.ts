/**
 * The load client, in its own process: opens N sockets (token as the `bearer` subprotocol), subscribes each
 * to `system-alerts`, then records every broadcast's delivery latency and counts what never arrived
 * (within BROADCAST_TIMEOUT of its broadcast).
 * Usage (spawned by run.ts): client.ts <ws url> <token|-> <connections>
 */
import * as hdr from 'hdr-histogram-js';
import WebSocket from 'ws';
import { nowMs, send, type ClientCommand } from './bench-ipc.ts';

const [url, token, count] = process.argv.slice(2) as [string, string, string];
const total = Number(count);
const IN_FLIGHT = 200;
const sockets: WebSocket[] = [];
const latency = hdr.build({
  lowestDiscernibleValue: 1,
  highestTrackableValue: 120_000_000,
  numberOfSignificantValueDigits: 3,
});
const BENCH = /"seq":(\d+),"sentAt":([\d.]+)/;
const arrived = new Map<number, number>();
let received = 0;
let closedEarly = 0;

function openOne(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket =
      token === '-'
        ? new WebSocket(url, { perMessageDeflate: false })
        : new WebSocket(url, ['bearer', token], { perMessageDeflate: false });
    const timer = setTimeout(() => done(false), 20_000);
    function done(ok: boolean) {
      clearTimeout(timer);
      resolve(ok);
    }
    socket.on('open', () => socket.send(JSON.stringify({ action: 'subscribe', channel: 'system-alerts' })));
    socket.on('message', (data) => {
      const text = data.toString();
      if (text.includes('"event":"subscribed"')) {
        sockets.push(socket);
        return done(true);
      }
      // A regex, not JSON.parse: the client must not be the bottleneck it measures.
      const match = BENCH.exec(text);
      if (!match) return;
      const seq = Number(match[1]);
      received++;
      arrived.set(seq, (arrived.get(seq) ?? 0) + 1);
      latency.recordValue(Math.max(1, Math.round((nowMs() - Number(match[2])) * 1000)));
    });
    socket.on('error', () => done(false));
    socket.on('close', () => {
      closedEarly++;
      done(false);
    });
  });
}

async function connectAll(): Promise<void> {
  const started = nowMs();
  let next = 0;
  let failed = 0;
  const lane = async () => {
    while (next < total) {
      next++;
      if (!(await openOne())) failed++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  send({ type: 'connected', opened: sockets.length, failed, ms: nowMs() - started });
}

/** Waits until every socket got broadcast `seq` (or the timeout), so one broadcast never queues behind another. */
async function awaitBroadcast(seq: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((arrived.get(seq) ?? 0) < sockets.length && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 5));
  send({ type: 'arrived', seq, count: arrived.get(seq) ?? 0 });
}

function report(): void {
  const ms = (us: number) => Math.round(us / 10) / 100;
  send({
    type: 'report',
    received,
    p50: ms(latency.getValueAtPercentile(50)),
    p99: ms(latency.getValueAtPercentile(99)),
    max: ms(latency.maxValue),
    closedEarly,
  });
}

process.on('message', (command: ClientCommand) => {
  if (command.cmd === 'connect') void connectAll();
  else if (command.cmd === 'await') void awaitBroadcast(command.seq, command.timeoutMs);
  else report();
});
