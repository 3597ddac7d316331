import { createHash } from 'node:crypto';
import type { OAuthProviderConfig } from '../../../config/account-config.ts';
import { oauthErrors } from './oauth.errors.ts';
import {
  PROVIDER_TIMEOUT_MS,
  type AuthorizationRequest,
  type OAuthProvider,
  type ProviderProfile,
} from './provider.ts';

type GitHubConfig = OAuthProviderConfig & { oauthUrl: string; apiUrl: string };

interface Log {
  warn(obj: object, msg: string): void;
}

// read:user for /user, user:email for /user/emails (private addresses included).
const SCOPE = 'read:user user:email';

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/**
 * GitHub's OAuth app flow (GitHub is not an OpenID Connect provider): authorization code with state and
 * PKCE (S256), the token from GITHUB_OAUTH_URL/login/oauth/access_token, the account from
 * GITHUB_API_URL/user and its primary verified address from /user/emails.
 */
export function createGitHubProvider(config: GitHubConfig, log: Log): OAuthProvider {
  async function call<T>(url: string, init: RequestInit, what: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(url, {
        ...init,
        signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (err) {
      log.warn({ provider: 'github', what, reason: (err as Error).message }, 'GitHub did not answer');
      throw oauthErrors.providerUnavailable('github');
    }
    const body = (await res.json().catch(() => undefined)) as T | undefined;
    if (!res.ok || body === undefined) {
      log.warn({ provider: 'github', what, status: res.status }, 'GitHub answered with an error');
      throw res.status >= 500 || body === undefined
        ? oauthErrors.providerUnavailable('github')
        : oauthErrors.verificationFailed('github');
    }
    return body;
  }

  async function accessToken(code: string, req: AuthorizationRequest): Promise<string> {
    const answer = await call<{ access_token?: string; error?: string }>(
      `${config.oauthUrl}/login/oauth/access_token`,
      {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: config.clientId,
          client_secret: config.clientSecret,
          code,
          redirect_uri: config.callbackUrl,
          code_verifier: req.codeVerifier,
        }),
      },
      'access_token',
    );
    // GitHub reports a bad code (bad_verification_code) or PKCE mismatch with a 200 and an `error` field.
    if (typeof answer.access_token !== 'string' || !answer.access_token) {
      log.warn(
        { provider: 'github', error: String(answer.error ?? 'no access_token') },
        'GitHub refused the code',
      );
      throw oauthErrors.verificationFailed('github');
    }
    return answer.access_token;
  }

  function api<T>(path: string, token: string): Promise<T> {
    return call<T>(
      `${config.apiUrl}${path}`,
      {
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${token}`,
          'x-github-api-version': '2022-11-28',
          'user-agent': 'TestWeb',
        },
      },
      path,
    );
  }

  return {
    id: 'github',
    usesNonce: false,

    async authorizationUrl(req: AuthorizationRequest): Promise<string> {
      const url = new URL(`${config.oauthUrl}/login/oauth/authorize`);
      url.search = new URLSearchParams({
        client_id: config.clientId,
        redirect_uri: config.callbackUrl,
        scope: SCOPE,
        state: req.state,
        code_challenge: pkceChallenge(req.codeVerifier),
        code_challenge_method: 'S256',
        allow_signup: 'true',
      }).toString();
      return url.href;
    },

    async complete(query, req): Promise<ProviderProfile> {
      if (!query.code) throw oauthErrors.verificationFailed('github');
      const token = await accessToken(query.code, req);
      const user = await api<{ id?: number | string }>('/user', token);
      if (user.id === undefined || user.id === null || String(user.id) === '')
        throw oauthErrors.verificationFailed('github');
      const emails = await api<GitHubEmail[]>('/user/emails', token);
      if (!Array.isArray(emails)) throw oauthErrors.providerUnavailable('github');
      const primary = emails.find((e) => e.primary && e.verified && typeof e.email === 'string');
      return {
        subject: String(user.id),
        email: primary ? primary.email.toLowerCase() : null,
        emailVerified: primary !== undefined,
      };
    },
  };
}
