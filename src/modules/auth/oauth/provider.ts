import type { ProviderId } from './oauth.errors.ts';

/** What the authorization request carried; the callback checks the answer against it. */
export interface AuthorizationRequest {
  state: string;
  /** PKCE (RFC 7636): the challenge sent is its S256 hash. */
  codeVerifier: string;
  /** OpenID Connect nonce (Google); null for plain OAuth (GitHub). */
  nonce: string | null;
}

/** The provider's account as the callback saw it. */
export interface ProviderProfile {
  /** The stable identity key: Google's `sub`, GitHub's numeric user id. Never the e-mail. */
  subject: string;
  email: string | null;
  /** Only a verified address may create an account. */
  emailVerified: boolean;
}

export interface OAuthProvider {
  readonly id: ProviderId;
  readonly usesNonce: boolean;
  authorizationUrl(request: AuthorizationRequest): Promise<string>;
  /** Redeems the callback's `code` and reads the account. Throws OAuthError (never leaks the code or tokens). */
  complete(query: Record<string, string>, request: AuthorizationRequest): Promise<ProviderProfile>;
}

/** Outbound calls to a provider give up after this long. */
export const PROVIDER_TIMEOUT_MS = 10_000;

/** Issuers on the loopback interface may be plain http (a local mock in tests and development). */
export function isLoopbackHttp(url: string): boolean {
  const u = new URL(url);
  return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
}
