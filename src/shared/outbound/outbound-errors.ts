/** How an outbound request failed; the stress engine counts errors by these kinds. */
export type OutboundErrorKind =
  | 'timeout'
  | 'refused'
  | 'reset'
  | 'dns'
  | 'tls'
  | 'too_large'
  | 'redirects'
  | 'target_refused'
  | 'aborted'
  | 'other';

/** A network-level failure of an outbound request (no HTTP response, or a broken one). */
export class OutboundError extends Error {
  constructor(
    message: string,
    readonly kind: OutboundErrorKind,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutboundError';
  }
}

/**
 * The SSRF guard refused the target (a private, loopback, link-local or metadata address, or a scheme
 * other than http/https). Retrying cannot change that, so callers treat it as final.
 */
export class TargetRefusedError extends OutboundError {
  readonly code = 'ERR_TARGET_REFUSED';
  constructor(message: string) {
    super(message, 'target_refused');
    this.name = 'TargetRefusedError';
  }
}

/** A submitted target's host name does not resolve (or did not within the time allowed). */
export class TargetUnresolvedError extends OutboundError {
  readonly code = 'ERR_TARGET_UNRESOLVED';
  constructor(
    message: string,
    /** The resolver's code: ENOTFOUND, EAI_AGAIN, ETIMEOUT… */
    readonly dnsCode: string,
  ) {
    super(message, 'dns');
    this.name = 'TargetUnresolvedError';
  }
}

const CODE_KINDS: Record<string, OutboundErrorKind> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  CERT_HAS_EXPIRED: 'tls',
  ERR_SSL_WRONG_VERSION_NUMBER: 'tls',
};

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: unknown } | null;
  if (e && typeof e.code === 'string' && e.code in CODE_KINDS) return e.code;
  if (e && e.cause) return codeOf(e.cause);
  return e && typeof e.code === 'string' ? e.code : undefined;
}

/** Classifies any error thrown by undici, net, tls or dns into an error kind. */
export function errorKind(err: unknown): OutboundErrorKind {
  if (err instanceof OutboundError) return err.kind;
  const name = (err as { name?: string } | null)?.name;
  if (name === 'TimeoutError') return 'timeout';
  if (name === 'AbortError') return 'aborted';
  const code = codeOf(err);
  if (code && CODE_KINDS[code]) return CODE_KINDS[code];
  if (code?.startsWith('ERR_TLS') || code?.startsWith('ERR_SSL')) return 'tls';
  return 'other';
}

const KIND_TEXT: Record<OutboundErrorKind, string> = {
  timeout: 'timed out',
  refused: 'connection refused',
  reset: 'connection reset',
  dns: 'host name not found',
  tls: 'TLS handshake failed',
  too_large: 'response too large',
  redirects: 'too many redirects',
  target_refused: 'target refused',
  aborted: 'cancelled',
  other: 'request failed',
};

/** Wraps any request failure into an OutboundError whose message names the URL and the cause. */
export function toOutboundError(err: unknown, url: string): OutboundError {
  if (err instanceof OutboundError) return err;
  const kind = errorKind(err);
  const code = codeOf(err);
  const reason = err instanceof Error ? err.message : String(err);
  const message = `${url}: ${KIND_TEXT[kind]}${code ? ` (${code})` : ''}${kind === 'other' || kind === 'tls' ? `: ${reason}` : ''}`;
  return new OutboundError(message, kind, { cause: err });
}
