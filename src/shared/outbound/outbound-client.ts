import { performance } from 'node:perf_hooks';
import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import { readBody } from './body-reader.ts';
import { addressPolicy, type AddressPolicy } from './address-policy.ts';
import { createGuardedConnector, type ConnectionTimings } from './guarded-connector.ts';
import { OutboundError, toOutboundError } from './outbound-errors.ts';
import { assertTargetAllowed, checkUrlTarget } from './target-check.ts';

export interface OutboundSettings {
  allowPrivateTargets: boolean;
  /** Default whole-request timeout (connect, headers and body). */
  timeoutMs: number;
  /** Default cap on a response body, compressed and decompressed. */
  maxResponseBytes: number;
  maxRedirects: number;
  userAgent: string;
  /** Addresses the SSRF guard treats as public (tests stand a loopback fixture in for a public host). */
  publicAddresses?: readonly string[];
}

export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Redirects to follow; 0 returns the 3xx response itself. */
  maxRedirects?: number;
  maxBytes?: number;
  /** Accept self-signed or otherwise untrusted certificates. */
  insecureTls?: boolean;
  /** Use fresh connections and report their DNS/TCP/TLS phases (performance measurements). */
  measure?: boolean;
}

export interface RedirectHop {
  url: string;
  status: number;
  location: string;
}

export interface OutboundTimings {
  dnsMs: number;
  connectMs: number;
  tlsMs: number;
  /** From the start of the final hop to its first response byte (includes DNS, TCP and TLS). */
  ttfbMs: number;
  downloadMs: number;
  /** Time spent on redirect hops before the final one. */
  redirectMs: number;
  totalMs: number;
}

export interface OutboundResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  /** Decoded (decompressed) body, at most the cap. */
  body: Buffer;
  truncated: boolean;
  /** Body bytes on the wire (compressed size). */
  transferBytes: number;
  /** Content-Encoding the server used, or '' for none. */
  encoding: string;
  decodeError?: string;
  redirects: RedirectHop[];
  httpVersion: string;
  remoteAddress?: string;
  timings: OutboundTimings;
}

/** The one outbound HTTP client: every engine and webhook request goes through it. */
export interface OutboundClient {
  readonly settings: Readonly<OutboundSettings>;
  request(url: string, options?: OutboundRequest): Promise<OutboundResponse>;
  /** Up-front SSRF check of a target URL (scheme and resolved addresses); throws TargetRefusedError. */
  assertTarget(url: string): Promise<URL>;
  close(): Promise<void>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

// A redirect to another origin must not carry the caller's credentials along.
function nextHop(hop: Hop, status: number, location: string): Hop {
  const url = new URL(location, hop.url);
  const toGet = status === 303 || ((status === 301 || status === 302) && hop.method === 'POST');
  const headers = { ...hop.headers };
  if (url.origin !== hop.url.origin)
    for (const k of Object.keys(headers))
      if (/^(authorization|cookie|proxy-authorization)$/i.test(k)) delete headers[k];
  return { url, method: toGet ? 'GET' : hop.method, headers, body: toGet ? undefined : hop.body };
}

export function createOutboundClient(settings: OutboundSettings): OutboundClient {
  const policy = addressPolicy(settings.publicAddresses);
  const pooled = new Map<boolean, Agent>();
  const agentFor = (insecure: boolean): Agent => {
    let agent = pooled.get(insecure);
    if (!agent) {
      agent = newAgent(settings, policy, insecure);
      pooled.set(insecure, agent);
    }
    return agent;
  };

  async function request(rawUrl: string, options: OutboundRequest = {}): Promise<OutboundResponse> {
    const timeoutMs = options.timeoutMs ?? settings.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const maxRedirects = options.maxRedirects ?? settings.maxRedirects;
    const headers = {
      'user-agent': settings.userAgent,
      'accept-encoding': 'gzip, deflate, br',
      ...lowerKeys(options.headers ?? {}),
    };
    let hop: Hop = {
      url: checkUrlTarget(rawUrl, settings.allowPrivateTargets, policy),
      method: (options.method ?? 'GET').toUpperCase(),
      headers,
      body: options.body,
    };
    const redirects: RedirectHop[] = [];
    const start = performance.now();
    for (;;) {
      const hopStart = performance.now();
      const connections: ConnectionTimings[] = [];
      const agent = options.measure
        ? newAgent(settings, policy, !!options.insecureTls, (t) => connections.push(t))
        : agentFor(!!options.insecureTls);
      try {
        const res = await send(agent, hop, signal, timeoutMs);
        const location = res.headers.location;
        if (REDIRECT_STATUSES.has(res.statusCode) && typeof location === 'string' && maxRedirects > 0) {
          // Drop the redirect's body quietly (a plain destroy() would emit an unhandled AbortError).
          await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
          redirects.push({ url: hop.url.href, status: res.statusCode, location });
          if (redirects.length > maxRedirects)
            throw new OutboundError(
              `${rawUrl}: more than ${maxRedirects} redirects (last to ${location})`,
              'redirects',
            );
          hop = nextHop(hop, res.statusCode, location);
          checkUrlTarget(hop.url.href, settings.allowPrivateTargets, policy);
          continue;
        }
        const maxBytes = options.maxBytes ?? settings.maxResponseBytes;
        return await readResponse(res, maxBytes, {
          url: hop.url.href,
          redirects,
          start,
          hopStart,
          connection: connections[connections.length - 1],
        });
      } catch (err) {
        throw failure(err, hop.url.href, timeout, options.signal);
      } finally {
        // The measuring agent's one connection is done with (body read, or the request failed).
        if (options.measure) await agent.destroy().catch(() => undefined);
      }
    }
  }

  return {
    settings,
    request,
    assertTarget: (url) => assertTargetAllowed(url, settings.allowPrivateTargets, policy),
    async close() {
      await Promise.all([...pooled.values()].map((a) => a.close()));
      pooled.clear();
    },
  };
}

interface HopContext {
  url: string;
  redirects: RedirectHop[];
  start: number;
  hopStart: number;
  connection?: ConnectionTimings;
}

/** Reads the final response's body (capped), decodes it, and assembles the timings. */
async function readResponse(
  res: Dispatcher.ResponseData,
  maxBytes: number,
  hop: HopContext,
): Promise<OutboundResponse> {
  const headersAt = performance.now();
  const headers = flatHeaders(res.headers);
  const read = await readBody(res.body, headers['content-encoding'], maxBytes);
  const end = performance.now();
  const conn = hop.connection;
  return {
    url: hop.url,
    status: res.statusCode,
    headers,
    body: read.body,
    truncated: read.truncated,
    transferBytes: read.transferBytes,
    encoding: (headers['content-encoding'] ?? '').toLowerCase(),
    decodeError: read.error,
    redirects: hop.redirects,
    httpVersion: conn?.alpnProtocol === 'h2' ? '2' : '1.1',
    remoteAddress: conn?.remoteAddress,
    timings: {
      dnsMs: conn?.dnsMs ?? 0,
      connectMs: conn?.connectMs ?? 0,
      tlsMs: conn?.tlsMs ?? 0,
      ttfbMs: headersAt - hop.hopStart,
      downloadMs: end - headersAt,
      redirectMs: hop.hopStart - hop.start,
      totalMs: end - hop.start,
    },
  };
}

function newAgent(
  settings: OutboundSettings,
  policy: AddressPolicy,
  insecure: boolean,
  onConnection?: (t: ConnectionTimings) => void,
): Agent {
  const connect = createGuardedConnector({
    allowPrivateTargets: settings.allowPrivateTargets,
    rejectUnauthorized: !insecure,
    connectTimeoutMs: settings.timeoutMs,
    allowH2: !!onConnection,
    onConnection,
    addressPolicy: policy,
  });
  return new Agent({
    connect,
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
    allowH2: !!onConnection,
  });
}

function send(
  agent: Agent,
  hop: Hop,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Dispatcher.ResponseData> {
  return undiciRequest(hop.url, {
    dispatcher: agent,
    method: hop.method as Dispatcher.HttpMethod,
    headers: hop.headers,
    body: hop.body,
    signal,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function failure(err: unknown, url: string, timeout: AbortSignal, callerSignal?: AbortSignal): OutboundError {
  // undici may wrap the guarded lookup's refusal; the refusal must surface as itself.
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause)
    if (e instanceof OutboundError) return e;
  if (callerSignal?.aborted) return new OutboundError(`${url}: cancelled`, 'aborted', { cause: err });
  if (timeout.aborted) return new OutboundError(`${url}: timed out`, 'timeout', { cause: err });
  return toOutboundError(err, url);
}
