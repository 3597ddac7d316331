import http from 'node:http';
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { addressPolicy, parseTargetUrl } from '../../shared/outbound/index.ts';
import type { BlockedRequest } from './browser-pool.types.ts';

export interface GuardProxyOptions {
  allowPrivateTargets: boolean;
  /** Addresses the policy treats as public (tests stand a loopback fixture in for a public host). */
  publicAddresses?: readonly string[];
  /** A socket (either side) with no traffic for this long is closed. */
  idleTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export interface GuardProxy {
  port: number;
  /** Requests the guard refused, in order: the first MAX_BLOCKED. */
  blocked(): BlockedRequest[];
  /** Stops listening and destroys every socket, client and upstream. */
  close(): Promise<void>;
}

export const MAX_BLOCKED = 100;
const DNS_TIMEOUT_MS = 10_000;
// Hop-by-hop headers (RFC 9110 section 7.6.1) and the proxy's own: never forwarded either way.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

type Checked = { address: string } | { refused: string };

function forwardHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const listed = String(headers.connection ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase());
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name.startsWith('proxy-') || listed.includes(name))
      continue;
    out[name] = value;
  }
  return out;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('DNS timed out'), { code: 'ETIMEOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** "host:port" or "[v6]:port" (CONNECT's authority form) → its parts, or null. */
function parseAuthority(authority: string): { host: string; port: number } | null {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]/\s@]+):(\d{1,5})$/i.exec(authority);
  const port = Number(match?.[2]);
  return match && port > 0 && port < 65536 ? { host: match[1]!, port } : null;
}

/**
 * A forward HTTP proxy for one Chromium session that lets the page reach only what the SSRF guard allows.
 * Each request's host is resolved once, every address is checked with the shared address policy, and the
 * connection goes to the address that was checked, so DNS rebinding cannot slip a private address past it.
 * Plain http:// arrives in absolute form and is forwarded with node:http (bodies streamed both ways);
 * https:// and ws(s):// arrive as CONNECT and are tunnelled (TLS stays end to end). A refusal is a 403 and
 * is recorded in `blocked()`.
 */
export async function startGuardProxy(options: GuardProxyOptions): Promise<GuardProxy> {
  const policy = addressPolicy(options.publicAddresses);
  const idleMs = options.idleTimeoutMs ?? 60_000;
  const connectMs = options.connectTimeoutMs ?? 30_000;
  const blocked: BlockedRequest[] = [];
  const sockets = new Set<Duplex>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: idleMs });
  let closed = false;

  const track = (socket: Duplex) => {
    if (closed) return void socket.destroy();
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const refuse = (url: string, reason: string) => {
    if (blocked.length < MAX_BLOCKED) blocked.push({ url, reason });
  };
  async function check(host: string): Promise<Checked> {
    const bare = host.replace(/^\[|\]$/g, '');
    const addresses = net.isIP(bare)
      ? [bare]
      : (await withTimeout(lookup(bare, { all: true }), DNS_TIMEOUT_MS)).map((a) => a.address);
    if (addresses.length === 0) throw Object.assign(new Error('no addresses'), { code: 'ENOTFOUND' });
    if (!options.allowPrivateTargets)
      for (const address of addresses) {
        const reason = policy(address);
        if (reason)
          return {
            refused:
              address === bare
                ? `${address} is a ${reason} address`
                : `${bare} resolves to ${address}, a ${reason} address`,
          };
      }
    return { address: addresses[0]! };
  }

  const server = http.createServer();
  server.setTimeout(idleMs);
  server.on('connection', track);
  server.on('request', (req, res) => void forward(req, res));
  server.on(
    'connect',
    (req: http.IncomingMessage, client: Duplex, head: Buffer) => void tunnel(req, client, head),
  );

  function answer(res: http.ServerResponse, status: number, text: string): void {
    if (res.headersSent) return void res.destroy();
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end(`${text}\n`);
  }

  async function forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = req.url ?? '';
    // Origin form ("/path") is someone talking to the proxy as a server, not a page request.
    if (raw.startsWith('/')) return answer(res, 400, 'This is a forward proxy');
    let url: URL;
    try {
      url = parseTargetUrl(raw);
    } catch (err) {
      refuse(raw, (err as Error).message.replace(/^Target refused: /, ''));
      return answer(res, 403, `Blocked by TestWeb: ${(err as Error).message}`);
    }
    if (url.protocol !== 'http:') return answer(res, 400, 'https:// goes through CONNECT');
    let checked: Checked;
    try {
      checked = await check(url.hostname);
    } catch (err) {
      return answer(
        res,
        502,
        `${url.hostname} does not resolve (${(err as { code?: string }).code ?? 'error'})`,
      );
    }
    if ('refused' in checked) {
      refuse(url.href, checked.refused);
      return answer(res, 403, `Blocked by TestWeb: ${checked.refused}`);
    }
    if (closed) return void res.destroy();
    const upstream = http.request({
      host: checked.address,
      port: Number(url.port || 80),
      method: req.method,
      path: `${url.pathname}${url.search}`,
      headers: { ...forwardHeaders(req.headers), host: url.host },
      agent,
      timeout: connectMs,
    });
    upstream.on('socket', track);
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timed out')));
    upstream.on('error', (err) =>
      answer(res, 502, `Bad gateway: ${(err as { code?: string }).code ?? err.message}`),
    );
    upstream.on('response', (up) => {
      res.writeHead(up.statusCode ?? 502, up.statusMessage, forwardHeaders(up.headers));
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  function deny(client: Duplex, status: string, text: string): void {
    client.end(
      `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }

  async function tunnel(req: http.IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    client.on('error', () => undefined);
    const authority = req.url ?? '';
    const target = parseAuthority(authority);
    if (!target) return deny(client, '400 Bad Request', 'CONNECT needs host:port');
    let checked: Checked;
    try {
      checked = await check(target.host);
    } catch {
      return deny(client, '502 Bad Gateway', `${target.host} does not resolve`);
    }
    if ('refused' in checked) {
      refuse(authority, checked.refused);
      return deny(client, '403 Forbidden', `Blocked by TestWeb: ${checked.refused}`);
    }
    if (closed) return void client.destroy();
    const upstream = net.connect({ host: checked.address, port: target.port });
    track(upstream);
    upstream.setTimeout(connectMs, () => upstream.destroy(new Error('connect timed out')));
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      upstream.setTimeout(idleMs, () => upstream.destroy());
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.once('error', () =>
      connected ? client.destroy() : deny(client, '502 Bad Gateway', 'connect failed'),
    );
    upstream.once('close', () => connected && client.destroy());
    client.once('close', () => upstream.destroy());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    blocked: () => [...blocked],
    async close() {
      closed = true;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await done;
    },
  };
}
