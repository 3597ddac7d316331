import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { UnauthorizedError, type AuthUser, type Role } from '../../shared/http/index.ts';

const ISSUER = 'testweb';
const AUDIENCE = 'testweb-api';

export interface AccessTokens {
  sign(user: { id: string; role: Role }, sessionId: string): Promise<string>;
  /** Throws UnauthorizedError (ERR_TOKEN_EXPIRED or ERR_TOKEN_INVALID) for anything but a valid token. */
  verify(token: string): Promise<AuthUser>;
  readonly ttlSeconds: number;
}

/** Every access token carries these; one without any of them (say, no `exp`: valid forever) is refused. */
const REQUIRED_CLAIMS = ['exp', 'iat', 'iss', 'aud', 'sub'];

/** Verified tokens remembered (oldest dropped first): ~0.5 KiB each, so at most ~5 MiB per process. */
export const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * HS256 access tokens; `sid` ties a token to its refresh session. The key is imported once: handing jose
 * raw bytes makes it import them on every call, which measured about twice the cost of a verification.
 * `now` (ms since the epoch) is the clock for issuing and checking expiry; tests pass their own.
 *
 * A token's signature and claims never change, so a verified token is remembered with its expiry and a
 * repeat presentation (every request of a session) costs a map lookup instead of a WebCrypto HMAC
 * (~60 µs, measured: a sixth of an authenticated API request); expiry is still checked on every call
 * against `now`, exactly as jose checks it (expired once `exp <= now`). Failures are never remembered.
 */
export async function createAccessTokens(
  secret: string,
  ttlMs: number,
  now: () => number = () => Date.now(),
): Promise<AccessTokens> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  const ttlSeconds = Math.max(1, Math.round(ttlMs / 1000));
  const verified = new Map<string, { user: AuthUser; exp: number }>();
  const remember = (token: string, user: AuthUser, exp: number) => {
    if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value!);
    verified.set(token, { user, exp });
  };
  return {
    ttlSeconds,
    sign(user, sessionId) {
      const issuedAt = Math.floor(now() / 1000);
      return new SignJWT({ role: user.role, sid: sessionId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user.id)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttlSeconds)
        .sign(key);
    },
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (known.exp > Math.floor(now() / 1000)) return { ...known.user };
        verified.delete(token);
        throw new UnauthorizedError('Access token has expired', 'ERR_TOKEN_EXPIRED');
      }
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ['HS256'],
          requiredClaims: REQUIRED_CLAIMS,
          currentDate: new Date(now()),
        });
        const role = payload.role;
        if (
          typeof payload.sub !== 'string' ||
          (role !== 'user' && role !== 'admin') ||
          typeof payload.sid !== 'string'
        ) {
          throw new UnauthorizedError('Access token is invalid', 'ERR_TOKEN_INVALID');
        }
        const user: AuthUser = { id: payload.sub, role, sessionId: payload.sid };
        remember(token, user, payload.exp!);
        return { ...user };
      } catch (err) {
        if (err instanceof UnauthorizedError) throw err;
        if (err instanceof joseErrors.JWTExpired)
          throw new UnauthorizedError('Access token has expired', 'ERR_TOKEN_EXPIRED');
        throw new UnauthorizedError('Access token is invalid', 'ERR_TOKEN_INVALID');
      }
    },
  };
}

/** A new opaque refresh token: 256 random bits, base64url. Only its hash is stored. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
