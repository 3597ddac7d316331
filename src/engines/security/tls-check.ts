import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import tls, { type PeerCertificate, type TLSSocket } from 'node:tls';
import type { AddressPolicy } from '../../shared/outbound/address-policy.ts';
import { createGuardedLookup } from '../../shared/outbound/guarded-lookup.ts';
import { checkUrlTarget } from '../../shared/outbound/target-check.ts';

/** What the TLS handshake and the server's certificate say. */
export interface TlsFacts {
  /** `TLSv1.3`, `TLSv1.2`… */
  protocol: string;
  /** 1.3, 1.2… (0 when unknown). */
  protocolVersion: number;
  /** The chain verifies against the system's CAs and the name matches. */
  authorized: boolean;
  /** OpenSSL's reason when not authorized (`CERT_HAS_EXPIRED`, `DEPTH_ZERO_SELF_SIGNED_CERT`…). */
  authorizationError: string | null;
  subject: string;
  issuer: string;
  selfSigned: boolean;
  validFrom: string;
  validTo: string;
  /** Whole days until the certificate expires; negative once it has. */
  daysLeft: number;
  expired: boolean;
  subjectAltNames: string[];
  /** The certificate's names cover the host of the URL. */
  sanCoversHost: boolean;
  keyType: string;
  keyBits: number;
  /** Whether the server stapled an OCSP response when asked. */
  ocspStapled: boolean;
  cipher: string;
}

export interface TlsCheckOptions {
  allowPrivateTargets: boolean;
  policy: AddressPolicy;
  signal: AbortSignal;
  timeoutMs: number;
  now?: Date;
}

const DAY_MS = 86_400_000;

function dn(entity: Record<string, string | string[]> | undefined): string {
  if (!entity) return '';
  return Object.entries(entity)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

function coversHost(cert: X509Certificate, host: string): boolean {
  return isIP(host) ? cert.checkIP(host) !== undefined : cert.checkHost(host) !== undefined;
}

/** Reads the facts from a completed handshake (pure but for the socket's getters). */
export function tlsFactsOf(socket: TLSSocket, host: string, ocspStapled: boolean, now: Date): TlsFacts {
  const peer = socket.getPeerCertificate(false) as PeerCertificate & { asn1Curve?: string };
  const x509 = socket.getPeerX509Certificate();
  const protocol = socket.getProtocol() ?? '';
  const validTo = new Date(peer.valid_to);
  const issuer = dn(peer.issuer as unknown as Record<string, string>);
  const subject = dn(peer.subject as unknown as Record<string, string>);
  return {
    protocol,
    protocolVersion: Number(protocol.match(/TLSv(\d(?:\.\d)?)/)?.[1] ?? 0),
    authorized: socket.authorized,
    authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
    subject,
    issuer,
    selfSigned: !!x509 && x509.checkIssued(x509),
    validFrom: new Date(peer.valid_from).toISOString(),
    validTo: validTo.toISOString(),
    daysLeft: Math.floor((validTo.getTime() - now.getTime()) / DAY_MS),
    expired: validTo.getTime() < now.getTime(),
    subjectAltNames: (peer.subjectaltname ?? '').split(/,\s*/).filter(Boolean),
    sanCoversHost: !!x509 && coversHost(x509, host),
    keyType: x509?.publicKey.asymmetricKeyType ?? 'unknown',
    keyBits: peer.bits ?? 0,
    ocspStapled,
    cipher: socket.getCipher()?.name ?? '',
  };
}

function connectGuarded(url: URL, host: string, o: TlsCheckOptions): TLSSocket {
  // requestOCSP is passed on to the TLSSocket by tls.connect, though ConnectionOptions omits it.
  return tls.connect({
    host,
    port: Number(url.port) || 443,
    servername: isIP(host) ? undefined : host,
    lookup: createGuardedLookup(o.allowPrivateTargets, o.policy),
    rejectUnauthorized: false,
    requestOCSP: true,
    ALPNProtocols: ['http/1.1'],
  } as tls.ConnectionOptions);
}

/**
 * Connects to the https URL's host through the SSRF guard (the outbound client's guarded lookup, and
 * its IP-literal check first) and reads the handshake. Untrusted chains are accepted so that they can be
 * reported; nothing is sent over the connection.
 */
export async function inspectTls(url: URL, o: TlsCheckOptions): Promise<TlsFacts> {
  checkUrlTarget(url.href, o.allowPrivateTargets, o.policy);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise<TlsFacts>((resolve, reject) => {
    let stapled = false;
    const socket = connectGuarded(url, host, o);
    const fail = (err: unknown) => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onAbort = () => fail(o.signal.reason);
    const timer = setTimeout(
      () => fail(new Error(`TLS handshake timed out after ${o.timeoutMs} ms`)),
      o.timeoutMs,
    );
    const cleanup = () => {
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
    };
    if (o.signal.aborted) return onAbort();
    o.signal.addEventListener('abort', onAbort, { once: true });
    // Emitted with null when the server staples nothing.
    socket.on('OCSPResponse', (response: Buffer | null) => (stapled = !!response?.length));
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      cleanup();
      try {
        resolve(tlsFactsOf(socket, host, stapled, o.now ?? new Date()));
      } catch (err) {
        reject(err as Error);
      } finally {
        socket.end();
      }
    });
  });
}
