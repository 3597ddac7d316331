import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Signed, short-lived download links for artifacts (the presigned-URL pattern): the dashboard keeps its
 * access token in memory, and an `<img src>` or a report opened in a new tab cannot send it. A link names
 * one test's one file until `expires` (unix seconds); the signature is HMAC-SHA256 with a key derived from
 * the JWT secret for this purpose only, so a link can never stand in for a token, nor a token for a link.
 */
export interface ArtifactLinks {
  /** The path and query of a link to `name` of `testId`, valid for the configured lifetime from now. */
  sign(testId: string, name: string): { path: string; expires: number };
  /** Whether `sig` signs exactly this test, name and expiry, and the expiry has not passed. */
  verify(testId: string, name: string, expires: number, sig: string): 'valid' | 'expired' | 'invalid';
  /** Seconds until `expires` (0 when past). */
  remaining(expires: number): number;
}

export function createArtifactLinks(opts: {
  secret: string;
  ttlMs: number;
  now?: () => number;
}): ArtifactLinks {
  const key = Buffer.from(
    hkdfSync('sha256', opts.secret, 'testweb', 'testweb artifact download links v1', 32),
  );
  const now = opts.now ?? Date.now;
  const nowSec = () => Math.floor(now() / 1000);
  const mac = (testId: string, name: string, expires: number) =>
    createHmac('sha256', key).update(`${testId}\n${name}\n${expires}`).digest();

  return {
    sign(testId, name) {
      const expires = nowSec() + Math.ceil(opts.ttlMs / 1000);
      const sig = mac(testId, name, expires).toString('base64url');
      const path = `/api/tests/${testId}/artifacts/${encodeURIComponent(name)}?expires=${expires}&sig=${sig}`;
      return { path, expires };
    },
    verify(testId, name, expires, sig) {
      const given = Buffer.from(sig, 'base64url');
      const expected = mac(testId, name, expires);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
      return expires > nowSec() ? 'valid' : 'expired';
    },
    remaining: (expires) => Math.max(0, expires - nowSec()),
  };
}
