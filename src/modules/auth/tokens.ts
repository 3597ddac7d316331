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

/**
 * HS256 access tokens; `sid` ties a token to its refresh session. The key is imported once: handing jose
 * raw bytes makes it import them on every call, which measured about twice the cost of a verification.
 * `now` (ms since the epoch) is the clock for issuing and checking expiry; tests pass their own.
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
        return { id: payload.sub, role, sessionId: payload.sid };
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
