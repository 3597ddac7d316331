/**
 * Fixture servers for the outbound-client and score tests: a gzip bomb that counts what it wrote, an
 * endpoint echoing the request headers it received, and a page whose every score part is known.
 * Loopback only (127.0.0.1 or 127.0.0.2), random port.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import zlib from 'node:zlib';

export const MiB = 1024 * 1024;

/** One gzip member holding 1 MiB of zeros (about 1 KiB); members concatenate into one valid gzip body. */
export const ZERO_MEMBER = zlib.gzipSync(Buffer.alloc(MiB), { level: 9 });

export interface BombStats {
  /** Compressed bytes the server managed to hand to the socket. */
  written: number;
  /** Compressed bytes the full body has. */
  total: number;
  /** Whether the whole body was written. */
  finished: boolean;
  closed: Promise<void>;
}

/** The score fixture: sizes and headers chosen so that each part of the score is an exact number. */
export const SCORED = (() => {
  const js = (n: number) => `/*${'x'.repeat(n - 4)}*/`;
  const pixel = (n: number) => 'P'.repeat(n);
  const resources: Array<{
    path: string;
    tag: string;
    status: number;
    body: string;
    type: string;
    gzip: boolean;
    cache: string;
  }> = [];
  const add = (
    path: string,
    tag: string,
    status: number,
    body: string,
    type: string,
    gzip: boolean,
    cache: string,
  ) => resources.push({ path, tag, status, body, type, gzip, cache });
  // 40 subresources: 3 scripts (one gzipped and cached, two plain text without a lifetime), 29 images
  // (7 with a lifetime), 8 that answer 404. With the document and one redirect: 42 requests.
  add(
    '/s/app.js',
    `<script src="/s/app.js"></script>`,
    200,
    js(6000),
    'application/javascript',
    true,
    'max-age=3600',
  );
  add('/s/a.js', `<script src="/s/a.js"></script>`, 200, js(2048), 'application/javascript', false, '');
  add('/s/b.js', `<script src="/s/b.js"></script>`, 200, js(2048), 'application/javascript', false, '');
  for (let i = 0; i < 29; i++)
    add(
      `/s/i${i}.png`,
      `<img src="/s/i${i}.png">`,
      200,
      pixel(1000),
      'image/png',
      false,
      i < 7 ? 'max-age=600' : '',
    );
  for (let i = 0; i < 8; i++)
    add(`/s/gone${i}.png`, `<img src="/s/gone${i}.png">`, 404, 'gone', 'text/plain', false, '');
  const html = `<!doctype html><html><head><title>scored</title>${resources.map((r) => r.tag).join('\n')}</head><body>${'<p>text</p>'.repeat(200)}</body></html>`;
  const documentTransfer = zlib.gzipSync(Buffer.from(html)).length;
  const wire = (r: (typeof resources)[number]) =>
    r.gzip ? zlib.gzipSync(Buffer.from(r.body)).length : Buffer.byteLength(r.body);
  // Four images are padded so that the page weighs exactly 3.5 MB on the wire (each under 1 MiB, a
  // response cap tests like to use).
  const extra = 3_500_000 - (documentTransfer + resources.reduce((n, r) => n + wire(r), 0));
  for (let i = 0; i < 4; i++)
    resources.find((r) => r.path === `/s/i${i}.png`)!.body = pixel(
      1000 + Math.floor(extra / 4) + (i === 0 ? extra % 4 : 0),
    );
  return { html, resources, pageWeightBytes: 3_500_000 };
})();

function bomb(res: http.ServerResponse, members: number, stats: BombStats[]) {
  const s: BombStats = {
    written: 0,
    total: members * ZERO_MEMBER.length,
    finished: false,
    closed: Promise.resolve(),
  };
  s.closed = new Promise((resolve) => res.on('close', () => resolve()));
  stats.push(s);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip' });
  let left = members;
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      left--;
      s.written += ZERO_MEMBER.length;
      if (!res.write(ZERO_MEMBER)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end(() => (s.finished = true));
  };
  pump();
}

function send(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string>,
  gzip: boolean,
) {
  const zipped = gzip && /gzip/.test(String(req.headers['accept-encoding'] ?? ''));
  const payload = zipped ? zlib.gzipSync(Buffer.from(body)) : Buffer.from(body);
  res.writeHead(status, {
    ...headers,
    'content-length': String(payload.length),
    ...(zipped ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(payload);
}

function handle(req: http.IncomingMessage, res: http.ServerResponse, hits: string[], bombs: BombStats[]) {
  const url = new URL(req.url ?? '/', 'http://fixture');
  hits.push(url.pathname);
  if (url.pathname === '/bomb') return bomb(res, Number(url.searchParams.get('members') ?? 100), bombs);
  if (url.pathname === '/echo')
    return send(req, res, 200, JSON.stringify(req.headers), { 'content-type': 'application/json' }, false);
  if (url.pathname === '/redirect')
    return res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
  if (url.pathname === '/scored') return res.writeHead(301, { location: '/scored/page' }).end();
  if (url.pathname === '/scored/page')
    return send(req, res, 200, SCORED.html, { 'content-type': 'text/html; charset=utf-8' }, true);
  const r = SCORED.resources.find((x) => x.path === url.pathname);
  if (r)
    return send(
      req,
      res,
      r.status,
      r.body,
      { 'content-type': r.type, ...(r.cache ? { 'cache-control': r.cache } : {}) },
      r.gzip,
    );
  send(req, res, 404, 'not found', { 'content-type': 'text/plain' }, false);
}

export interface EngineFixture {
  url: string;
  port: number;
  /** Paths requested, in order. */
  hits: string[];
  /** One entry per /bomb request. */
  bombs: BombStats[];
  close(): Promise<void>;
}

export async function startEngineFixture(host = '127.0.0.1', port = 0): Promise<EngineFixture> {
  const hits: string[] = [];
  const bombs: BombStats[] = [];
  const server = http.createServer((req, res) => handle(req, res, hits, bombs));
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${bound}`,
    port: bound,
    hits,
    bombs,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
