/**
 * The load generator of bench/load, in its own process: a k6-style closed model written on undici + ws.
 * Each virtual user signs in once (POST /api/auth/login), holds one WebSocket subscribed to `test-updates`
 * and `user-notifications`, and loops until the deadline: list its tests, read one and its result, read
 * its notifications and the unread count, submit an `api` test every `submitEveryMs` (first one at a
 * random offset so submissions spread evenly), then think `thinkMs`. Each user has its own keep-alive
 * connection (an undici Client), as a browser would.
 *
 * WebSocket delivery: every submitted test must bring its terminal event (test.completed / test.failed) on
 * the user's socket — one missing after the drain is lost; and within a channel the message ids grow by
 * exactly one (docs/WEBSOCKET_GUIDE.md), so a skipped id is a lost message too.
 */
import * as hdr from 'hdr-histogram-js';
import { Client } from 'undici';
import WebSocket from 'ws';
import { cpuSample, type LoadCommand, type LoadMessage, type LoadPlan, type RouteFigures } from './ipc.ts';

const SIGN_IN_CONCURRENCY = 8;
const REQUEST_TIMEOUT_MS = 30_000;

type Histogram = ReturnType<typeof hdr.build>;
const histograms = new Map<string, Histogram>();
const errors = new Map<string, number>();
const ws = { opened: 0, expected: 0, received: 0, idHoles: 0, closedEarly: 0, messages: 0 };
let requests = 0;
let iterations = 0;
let submitted = 0;
let closing = false;

function send(message: LoadMessage): void {
  process.send!(message);
}

function record(route: string, micros: number): void {
  let h = histograms.get(route);
  if (!h) {
    h = hdr.build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 120_000_000,
      numberOfSignificantValueDigits: 3,
    });
    histograms.set(route, h);
  }
  h.recordValue(Math.max(1, Math.round(micros)));
}

function fail(kind: string): void {
  errors.set(kind, (errors.get(kind) ?? 0) + 1);
}

class User {
  readonly http: Client;
  token = '';
  socket: WebSocket | null = null;
  /** Tests this user submitted whose terminal event has not arrived yet. */
  readonly pending = new Set<string>();
  private readonly lastIds = new Map<string, number>();

  constructor(
    readonly email: string,
    private readonly plan: LoadPlan,
  ) {
    this.http = new Client(plan.baseUrl, {
      pipelining: 1,
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
    });
  }

  /** One request, timed from send to the last body byte; a non-2xx answer counts as an error. */
  async call(route: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const started = performance.now();
    try {
      const res = await this.http.request({
        method,
        path,
        headers: {
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.body.text();
      if (this.token && route !== 'drain') record(route, (performance.now() - started) * 1000);
      requests++;
      if (res.statusCode >= 300) {
        const code = /"code":"([A-Z_]+)"/.exec(text)?.[1] ?? '';
        fail(`${route} → ${res.statusCode} ${code}`.trimEnd());
        return null;
      }
      return JSON.parse(text) as unknown;
    } catch (err) {
      fail(`${route} → ${(err as { code?: string }).code ?? (err as Error).message}`);
      return null;
    }
  }

  async signIn(): Promise<void> {
    const answer = (await this.call('POST /api/auth/login', 'POST', '/api/auth/login', {
      email: this.email,
      password: this.plan.password,
    })) as { accessToken?: string } | null;
    if (!answer?.accessToken) throw new Error(`${this.email} could not sign in`);
    this.token = answer.accessToken;
  }

  /** Opens the socket and resolves once both channels answered `subscribed`. */
  connect(): Promise<void> {
    const url = this.plan.baseUrl.replace(/^http/, 'ws') + '/ws';
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, ['bearer', this.token], { perMessageDeflate: false });
      const timer = setTimeout(() => reject(new Error(`${this.email}: no subscription within 30 s`)), 30_000);
      let subscribed = 0;
      socket.on('open', () => {
        for (const channel of ['test-updates', 'user-notifications'])
          socket.send(JSON.stringify({ action: 'subscribe', channel }));
      });
      socket.on('message', (data: Buffer) => {
        const m = JSON.parse(data.toString()) as {
          event: string;
          channel: string | null;
          id: string | null;
          data: { lastId?: string; testId?: string };
        };
        if (m.event === 'subscribed' && m.channel) {
          this.lastIds.set(m.channel, Number(m.data.lastId));
          if (++subscribed === 2) {
            clearTimeout(timer);
            ws.opened++;
            this.socket = socket;
            resolve();
          }
          return;
        }
        if (m.id === null || !m.channel) return;
        ws.messages++;
        const id = Number(m.id);
        const last = this.lastIds.get(m.channel);
        if (last !== undefined && id > last + 1) ws.idHoles += id - last - 1;
        if (last === undefined || id > last) this.lastIds.set(m.channel, id);
        if ((m.event === 'test.completed' || m.event === 'test.failed') && m.data.testId) {
          if (this.pending.delete(m.data.testId)) ws.received++;
        }
      });
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.on('close', (code) => {
        if (!closing) {
          ws.closedEarly++;
          fail(`ws closed ${code}`);
        }
      });
    });
  }

  async iteration(now: number, nextSubmit: { at: number }): Promise<void> {
    const list = (await this.call('GET /api/tests', 'GET', '/api/tests')) as {
      items: Array<{ testId: string; status: string }>;
    } | null;
    const done = list?.items.filter((t) => t.status === 'completed') ?? [];
    const pick = done[Math.floor(Math.random() * done.length)];
    if (pick) {
      await this.call('GET /api/tests/:testId', 'GET', `/api/tests/${pick.testId}`);
      await this.call('GET /api/tests/:testId/result', 'GET', `/api/tests/${pick.testId}/result`);
    }
    await this.call('GET /api/notifications', 'GET', '/api/notifications');
    await this.call('GET /api/notifications/unread-count', 'GET', '/api/notifications/unread-count');
    if (now >= nextSubmit.at) {
      nextSubmit.at += this.plan.submitEveryMs;
      const accepted = (await this.call('POST /api/tests', 'POST', '/api/tests', {
        type: 'api',
        url: this.plan.targetUrl,
        options: { assertions: [{ source: 'status', comparison: 'equals', target: 200 }] },
      })) as { testId?: string } | null;
      if (accepted?.testId) {
        submitted++;
        ws.expected++;
        this.pending.add(accepted.testId);
      }
    }
    iterations++;
  }

  async loop(startAt: number, endAt: number): Promise<void> {
    const nextSubmit = { at: startAt + Math.random() * this.plan.submitEveryMs };
    // Start spread over one think time, as users arriving, not all in the same millisecond.
    await sleep(Math.random() * this.plan.thinkMs);
    while (Date.now() < endAt) {
      await this.iteration(Date.now(), nextSubmit);
      if (Date.now() < endAt) await sleep(this.plan.thinkMs);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs `work` over `items`, `lanes` at a time. */
async function inLanes<T>(items: T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

function figures(h: Histogram): RouteFigures {
  const ms = (us: number) => Math.round(us / 10) / 100;
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    max: ms(h.maxValue),
  };
}

async function run(plan: LoadPlan): Promise<void> {
  const users = plan.emails.map((email) => new User(email, plan));
  const signInStarted = Date.now();
  await inLanes(users, SIGN_IN_CONCURRENCY, (u) => u.signIn());
  await inLanes(users, 50, (u) => u.connect());
  const signInSeconds = (Date.now() - signInStarted) / 1000;
  if (errors.size) throw new Error(`errors while signing in: ${JSON.stringify(Object.fromEntries(errors))}`);
  requests = 0;
  send({ type: 'signed-in', users: users.length, seconds: signInSeconds });

  const cpuBefore = cpuSample().cpuMs;
  const startAt = Date.now();
  const endAt = startAt + plan.durationS * 1000;
  send({ type: 'running' });
  await Promise.all(users.map((u) => u.loop(startAt, endAt)));
  const durationS = (Date.now() - startAt) / 1000;
  const window = cpuSample();
  const cpuMs = window.cpuMs - cpuBefore;

  const measuredRequests = requests;
  const drainUntil = Date.now() + plan.drainMs;
  while (ws.received < ws.expected && Date.now() < drainUntil) await sleep(100);
  // A missing event is lost only if its test did finish; one still queued or running is a backlog. A test
  // seen finished may still have its event in flight: those get a few seconds more before they count.
  let unfinished = 0;
  const finished: Array<[User, string]> = [];
  await inLanes(users, 20, async (u) => {
    for (const testId of [...u.pending]) {
      const view = (await u.call('drain', 'GET', `/api/tests/${testId}`)) as { status?: string } | null;
      if (view?.status === 'queued' || view?.status === 'running') unfinished++;
      else finished.push([u, testId]);
    }
  });
  const missing = () => finished.filter(([u, testId]) => u.pending.has(testId)).length;
  const graceUntil = Date.now() + 5_000;
  while (missing() > 0 && Date.now() < graceUntil) await sleep(100);
  const lostEvents = missing();
  closing = true;
  for (const u of users) u.socket?.close();
  await Promise.all(users.map((u) => u.http.close()));

  const all = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });
  for (const h of histograms.values()) all.add(h);
  send({
    type: 'report',
    cpuMs,
    rssMb: window.rssMb,
    loopDelay: window.loopDelay,
    report: {
      users: users.length,
      durationS,
      iterations,
      requests: measuredRequests,
      routes: Object.fromEntries([...histograms].map(([route, h]) => [route, figures(h)])),
      all: figures(all),
      errors: Object.fromEntries(errors),
      submitted,
      ws: { ...ws, unfinished, lost: lostEvents + ws.idHoles },
      signInSeconds,
    },
  });
}

process.on('message', (command: LoadCommand) => {
  run(command.plan).catch((err: unknown) => {
    send({ type: 'failed', error: err instanceof Error ? err.message : String(err) });
  });
});
