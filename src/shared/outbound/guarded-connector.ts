import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';
import type { AddressPolicy } from './address-policy.ts';
import { createGuardedLookup } from './guarded-lookup.ts';

/** Connection phases of one new connection, in milliseconds from the start of the connect call. */
export interface ConnectionTimings {
  dnsMs: number;
  connectMs: number;
  tlsMs: number;
  remoteAddress?: string;
  /** `h2` or `http/1.1` when TLS negotiated one. */
  alpnProtocol?: string;
  tlsProtocol?: string;
}

export interface ConnectorOptions {
  allowPrivateTargets: boolean;
  rejectUnauthorized: boolean;
  connectTimeoutMs: number;
  allowH2?: boolean;
  /** Replaces the default address policy (tests use it to treat one loopback address as public). */
  addressPolicy?: AddressPolicy;
  /** Called once per new connection with its phase timings (used by the performance engine). */
  onConnection?: (timings: ConnectionTimings) => void;
}

function observe(socket: Socket, tls: boolean, start: number, done: (t: ConnectionTimings) => void): void {
  let lookupAt = start;
  let connectAt = start;
  socket.once('lookup', () => (lookupAt = performance.now()));
  socket.once('connect', () => (connectAt = performance.now()));
  socket.once(tls ? 'secureConnect' : 'connect', () => {
    const end = performance.now();
    const tlsSocket = socket as TLSSocket;
    done({
      dnsMs: lookupAt - start,
      connectMs: connectAt - lookupAt,
      tlsMs: tls ? end - connectAt : 0,
      remoteAddress: socket.remoteAddress,
      alpnProtocol: tls && typeof tlsSocket.alpnProtocol === 'string' ? tlsSocket.alpnProtocol : undefined,
      tlsProtocol: tls ? (tlsSocket.getProtocol() ?? undefined) : undefined,
    });
  });
}

/**
 * An undici connector whose DNS lookups go through the SSRF guard, optionally reporting the DNS, TCP and
 * TLS phases of each new connection.
 */
export function createGuardedConnector(options: ConnectorOptions): buildConnector.connector {
  const base = buildConnector({
    lookup: createGuardedLookup(options.allowPrivateTargets, options.addressPolicy),
    rejectUnauthorized: options.rejectUnauthorized,
    timeout: options.connectTimeoutMs,
    allowH2: options.allowH2 ?? false,
  } as buildConnector.BuildOptions);
  const report = options.onConnection;
  if (!report) return base;
  return (opts, callback) => {
    const start = performance.now();
    // undici's connector returns the socket although its type says void.
    const socket = (base as unknown as (o: typeof opts, cb: typeof callback) => Socket | undefined)(
      opts,
      callback,
    );
    if (socket) observe(socket, opts.protocol === 'https:', start, report);
  };
}
