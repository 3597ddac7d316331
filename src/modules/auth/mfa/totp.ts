import { Secret, TOTP } from 'otpauth';

/** The issuer authenticator apps show next to the account (RFC 6238 key URI `issuer`). */
export const TOTP_ISSUER = 'TestWeb';
/** 160-bit secrets, the HMAC-SHA-1 block RFC 4226 §4 recommends. */
const SECRET_BYTES = 20;

export interface TotpOptions {
  /** Milliseconds since the epoch; tests pass their own clock. */
  now?: () => number;
  digits?: number;
  /** Seconds per time step. */
  period?: number;
  /** Steps accepted either side of the current one (clock drift). */
  window?: number;
}

export interface Totp {
  /** A new random secret, base32 (what authenticator apps take). */
  newSecret(): string;
  /** The `otpauth://totp/…` URI a QR code carries; `label` is the account's e-mail. */
  uri(secret: string, label: string): string;
  /** The code of the step holding `at` (default: now). */
  code(secret: string, at?: number): string;
  /** The time step `code` belongs to when it is within ±window steps of now; null when it is not. */
  match(secret: string, code: string): number | null;
}

/**
 * RFC 6238 TOTP: HMAC-SHA-1, 6 digits, 30-second steps, ±1 step accepted. The library (otpauth) compares
 * codes in constant time; which step matched is returned so the caller can refuse a step used before.
 */
export function createTotp({
  now = () => Date.now(),
  digits = 6,
  period = 30,
  window = 1,
}: TotpOptions = {}): Totp {
  const totp = (secret: string, label?: string) =>
    new TOTP({
      issuer: TOTP_ISSUER,
      ...(label !== undefined && { label }),
      algorithm: 'SHA1',
      digits,
      period,
      secret: Secret.fromBase32(secret),
    });
  return {
    newSecret: () => new Secret({ size: SECRET_BYTES }).base32,
    uri: (secret, label) => totp(secret, label).toString(),
    code: (secret, at = now()) => totp(secret).generate({ timestamp: at }),
    match(secret, code) {
      const timestamp = now();
      const delta = totp(secret).validate({ token: code, timestamp, window });
      return delta === null ? null : TOTP.counter({ period, timestamp }) + delta;
    },
  };
}
