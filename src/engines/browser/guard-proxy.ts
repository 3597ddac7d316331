import http from 'node:http';
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { addressPolicy, parseTargetUrl, type AddressPolicy } from '../../shared/outbound/index.ts';
import type { BlockedRequest } from './browser-pool.types.ts';
import { hostMatcher } from './refused-hosts.ts';

export interface GuardProxyOptions {
  allowPrivateTargets: boolean;
  /** Addresses the policy treats as public (tests stand a loopback fixture in for a public host). */
  publicAddresses?: readonly string[];
  /** A socket (either side) with no traffic for this long is closed. */
  idleTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Hosts refused before any DNS lookup and not recorded (Chromium's own services; refused-hosts.ts). */
  refusedHosts?: readonly string[];
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

type Checked = { address: string } | { refused: string; quiet?: true };

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

interface ProxyState {
  options: GuardProxyOptions;
  policy: AddressPolicy;
  refusedHost: (host: string) => boolean;
  idleMs: number;
  connectMs: number;
  blocked: BlockedRequest[];
  sockets: Set<Duplex>;
  agent: http.Agent;
  closed: boolean;
}

function track(state: ProxyState, socket: Duplex): void {
  if (state.closed) return void socket.destroy();
  state.sockets.add(socket);
  socket.once('close', () => state.sockets.delete(socket));
  socket.on('error', () => undefined);
}

function refuse(state: ProxyState, url: string, reason: string): void {
  if (state.blocked.length < MAX_BLOCKED) state.blocked.push({ url, reason });
}

/** Resolves `host` once and checks every address; the address to connect to, or why it is refused. */
async function check(state: ProxyState, host: string): Promise<Checked> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (state.refusedHost(bare)) return { refused: `${bare} is on the refused hosts list`, quiet: true };
  const addresses = net.isIP(bare)
    ? [bare]
    : (await withTimeout(lookup(bare, { all: true }), DNS_TIMEOUT_MS)).map((a) => a.address);
  if (addresses.length === 0) throw Object.assign(new Error('no addresses'), { code: 'ENOTFOUND' });
  if (!state.options.allowPrivateTargets)
    for (const address of addresses) {
      const reason = state.policy(address);
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

function answer(res: http.ServerResponse, status: number, text: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end(`${text}\n`);
}

/** Plain http:// in absolute form: checked, then forwarded to the checked address. */
async function forward(
  state: ProxyState,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const raw = req.url ?? '';
  // Origin form ("/path") is someone talking to the proxy as a server, not a page request.
  if (raw.startsWith('/')) return answer(res, 400, 'This is a forward proxy');
  let url: URL;
  try {
    url = parseTargetUrl(raw);
  } catch (err) {
    refuse(state, raw, (err as Error).message.replace(/^Target refused: /, ''));
    return answer(res, 403, `Blocked by TestWeb: ${(err as Error).message}`);
  }
  if (url.protocol !== 'http:') return answer(res, 400, 'https:// goes through CONNECT');
  let checked: Checked;
  try {
    checked = await check(state, url.hostname);
  } catch (err) {
    return answer(
      res,
      502,
      `${url.hostname} does not resolve (${(err as { code?: string }).code ?? 'error'})`,
    );
  }
  if ('refused' in checked) {
    if (!checked.quiet) refuse(state, url.href, checked.refused);
    return answer(res, 403, `Blocked by TestWeb: ${checked.refused}`);
  }
  if (state.closed) return void res.destroy();
  relay(state, req, res, url, checked.address);
}

function relay(
  state: ProxyState,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  address: string,
) {
  const upstream = http.request({
    host: address,
    port: Number(url.port || 80),
    method: req.method,
    path: `${url.pathname}${url.search}`,
    headers: { ...forwardHeaders(req.headers), host: url.host },
    agent: state.agent,
    timeout: state.connectMs,
  });
  upstream.on('socket', (socket) => track(state, socket));
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

/** CONNECT host:port (https://, ws:// and wss://): checked, then a tunnel to the checked address. */
async function tunnel(
  state: ProxyState,
  req: http.IncomingMessage,
  client: Duplex,
  head: Buffer,
): Promise<void> {
  client.on('error', () => undefined);
  const authority = req.url ?? '';
  const target = parseAuthority(authority);
  if (!target) return deny(client, '400 Bad Request', 'CONNECT needs host:port');
  let checked: Checked;
  try {
    checked = await check(state, target.host);
  } catch {
    return deny(client, '502 Bad Gateway', `${target.host} does not resolve`);
  }
  if ('refused' in checked) {
    if (!checked.quiet) refuse(state, authority, checked.refused);
    return deny(client, '403 Forbidden', `Blocked by TestWeb: ${checked.refused}`);
  }
  if (state.closed) return void client.destroy();
  const upstream = net.connect({ host: checked.address, port: target.port });
  track(state, upstream);
  upstream.setTimeout(state.connectMs, () => upstream.destroy(new Error('connect timed out')));
  let connected = false;
  upstream.once('connect', () => {
    connected = true;
    upstream.setTimeout(state.idleMs, () => upstream.destroy());
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

/**
 * A forward HTTP proxy for one Chromium session that lets the page reach only what the SSRF guard allows.
 * Each request's host is resolved once, every address is checked with the shared address policy, and the
 * connection goes to the address that was checked, so DNS rebinding cannot slip a private address past it.
 * Plain http:// arrives in absolute form and is forwarded with node:http (bodies streamed both ways);
 * https:// and ws(s):// arrive as CONNECT and are tunnelled (TLS stays end to end). A refusal is a 403 and
 * is recorded in `blocked()`.
 */
export async function startGuardProxy(options: GuardProxyOptions): Promise<GuardProxy> {
  const idleMs = options.idleTimeoutMs ?? 60_000;
  const state: ProxyState = {
    options,
    policy: addressPolicy(options.publicAddresses),
    refusedHost: hostMatcher(options.refusedHosts ?? []),
    idleMs,
    connectMs: options.connectTimeoutMs ?? 30_000,
    blocked: [],
    sockets: new Set(),
    agent: new http.Agent({ keepAlive: true, maxSockets: 64, timeout: idleMs }),
    closed: false,
  };
  const server = http.createServer();
  server.setTimeout(idleMs);
  server.on('connection', (socket: Duplex) => track(state, socket));
  server.on('request', (req, res) => void forward(state, req, res));
  server.on(
    'connect',
    (req: http.IncomingMessage, client: Duplex, head: Buffer) => void tunnel(state, req, client, head),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    blocked: () => [...state.blocked],
    async close() {
      state.closed = true;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of state.sockets) socket.destroy();
      state.agent.destroy();
      await done;
    },
  };
}
