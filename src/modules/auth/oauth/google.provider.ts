import * as oidc from 'openid-client';
import type { OAuthProviderConfig } from '../../../config/account-config.ts';
import { oauthErrors } from './oauth.errors.ts';
import {
  isLoopbackHttp,
  PROVIDER_TIMEOUT_MS,
  type AuthorizationRequest,
  type OAuthProvider,
  type ProviderProfile,
} from './provider.ts';

type GoogleConfig = OAuthProviderConfig & { issuerUrl: string };

interface Log {
  warn(obj: object, msg: string): void;
}

const SCOPE = 'openid email profile';

/** A network failure, a timeout or a broken answer; anything else (a claim, the nonce, invalid_grant) is a refusal. */
function unreachable(err: unknown): boolean {
  if (err instanceof DOMException) return true; // AbortError, TimeoutError
  if (err instanceof TypeError) return true; // fetch failed
  const code = (err as { code?: string }).code;
  return code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON';
}

/** Google's `email_verified` is a boolean; some older tokens carried the string "true". */
function verified(value: unknown): boolean {
  return value === true || value === 'true';
}

/**
 * Google through OpenID Connect with openid-client: discovery from GOOGLE_ISSUER_URL, authorization code
 * with PKCE (S256), state and nonce checked and the ID token verified (signature from the issuer's JWKS,
 * iss, aud, exp, iat, nonce) by openid-client. Plain-http issuers are allowed only on loopback (tests'
 * oauth2-mock-server): openid-client refuses http otherwise, and so does this code.
 */
export function createGoogleProvider(config: GoogleConfig, log: Log): OAuthProvider {
  const insecure = isLoopbackHttp(config.issuerUrl);
  let discovered: Promise<oidc.Configuration> | null = null;

  function configuration(): Promise<oidc.Configuration> {
    discovered ??= oidc
      .discovery(
        new URL(config.issuerUrl),
        config.clientId,
        { redirect_uris: [config.callbackUrl], response_types: ['code'] },
        oidc.ClientSecretPost(config.clientSecret),
        { execute: insecure ? [oidc.allowInsecureRequests] : [], timeout: PROVIDER_TIMEOUT_MS / 1000 },
      )
      .catch((err: unknown) => {
        discovered = null; // try again on the next sign-in
        log.warn({ provider: 'google', reason: (err as Error).message }, 'OpenID Connect discovery failed');
        throw oauthErrors.providerUnavailable('google');
      });
    return discovered;
  }

  return {
    id: 'google',
    usesNonce: true,

    async authorizationUrl(req: AuthorizationRequest): Promise<string> {
      const url = oidc.buildAuthorizationUrl(await configuration(), {
        redirect_uri: config.callbackUrl,
        scope: SCOPE,
        code_challenge: await oidc.calculatePKCECodeChallenge(req.codeVerifier),
        code_challenge_method: 'S256',
        state: req.state,
        nonce: req.nonce!,
      });
      return url.href;
    },

    async complete(query, req): Promise<ProviderProfile> {
      const cfg = await configuration();
      const current = new URL(config.callbackUrl);
      for (const [k, v] of Object.entries(query)) current.searchParams.set(k, v);
      let claims: oidc.IDToken | undefined;
      try {
        const tokens = await oidc.authorizationCodeGrant(cfg, current, {
          pkceCodeVerifier: req.codeVerifier,
          expectedState: req.state,
          expectedNonce: req.nonce!,
          idTokenExpected: true,
        });
        claims = tokens.claims();
      } catch (err) {
        // Only the library's message: the error's cause may quote the provider's response.
        log.warn({ provider: 'google', reason: (err as Error).message }, 'Google sign-in refused');
        throw unreachable(err)
          ? oauthErrors.providerUnavailable('google')
          : oauthErrors.verificationFailed('google');
      }
      if (!claims?.sub) throw oauthErrors.verificationFailed('google');
      const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : null;
      return { subject: claims.sub, email, emailVerified: email !== null && verified(claims.email_verified) };
    },
  };
}
