import { AppError } from '../../../shared/http/index.ts';

/**
 * OAuth failures with stable codes (docs/API.md, docs/OAUTH.md). The callback turns them into a redirect
 * to `PUBLIC_URL/oauth/callback?error=<code>&message=…`; the JSON routes answer them as problem+json.
 */
export class OAuthError extends AppError {
  readonly title: string;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.title = status === 404 ? 'Not Found' : status === 409 ? 'Conflict' : 'OAuth sign-in failed';
  }
}

export type ProviderId = 'google' | 'github';

export const PROVIDER_NAMES: Record<ProviderId, string> = { google: 'Google', github: 'GitHub' };

export const oauthErrors = {
  notConfigured: (provider: string) =>
    new OAuthError(404, 'ERR_OAUTH_PROVIDER_NOT_CONFIGURED', `Sign-in with ${provider} is not offered here`),
  stateInvalid: () =>
    new OAuthError(
      400,
      'ERR_OAUTH_STATE_INVALID',
      'The sign-in request is unknown, expired or already used: start again',
    ),
  denied: (provider: ProviderId) =>
    new OAuthError(400, 'ERR_OAUTH_DENIED', `${PROVIDER_NAMES[provider]} did not authorize the sign-in`),
  verificationFailed: (provider: ProviderId) =>
    new OAuthError(
      401,
      'ERR_OAUTH_VERIFICATION_FAILED',
      `The answer of ${PROVIDER_NAMES[provider]} did not pass verification: start again`,
    ),
  providerUnavailable: (provider: ProviderId) =>
    new OAuthError(
      502,
      'ERR_OAUTH_PROVIDER_UNAVAILABLE',
      `${PROVIDER_NAMES[provider]} could not be reached or answered unexpectedly: try again later`,
    ),
  emailUnverified: (provider: ProviderId) =>
    new OAuthError(
      403,
      'ERR_OAUTH_EMAIL_UNVERIFIED',
      `Your ${PROVIDER_NAMES[provider]} account has no verified e-mail address: verify one there, then try again`,
    ),
  accountExists: (provider: ProviderId) =>
    new OAuthError(
      409,
      'ERR_OAUTH_ACCOUNT_EXISTS',
      `An account with this e-mail already exists. To use ${PROVIDER_NAMES[provider]}, sign in and link it from your settings`,
    ),
  identityTaken: (provider: ProviderId) =>
    new OAuthError(
      409,
      'ERR_OAUTH_IDENTITY_TAKEN',
      `This ${PROVIDER_NAMES[provider]} account is linked to another account`,
    ),
  alreadyLinked: (provider: ProviderId) =>
    new OAuthError(
      409,
      'ERR_OAUTH_ALREADY_LINKED',
      `Your account is already linked to a ${PROVIDER_NAMES[provider]} account: unlink it first`,
    ),
  notLinked: (provider: ProviderId) =>
    new OAuthError(404, 'ERR_OAUTH_NOT_LINKED', `Your account is not linked to ${PROVIDER_NAMES[provider]}`),
  lastMethod: (provider: ProviderId) =>
    new OAuthError(
      409,
      'ERR_OAUTH_LAST_SIGN_IN_METHOD',
      `${PROVIDER_NAMES[provider]} is your only way to sign in: set a password or link another provider first`,
    ),
  codeInvalid: () =>
    new OAuthError(401, 'ERR_OAUTH_CODE_INVALID', 'The sign-in code is unknown, expired or already used'),
  /** The same code and words as sign-in's AccountDisabledError (the exchange answers that one). */
  accountDisabled: () =>
    new OAuthError(403, 'ERR_ACCOUNT_DISABLED', 'This account is disabled; ask an administrator'),
  /** The identity's account was deleted while the flow ran. */
  accountUnavailable: () =>
    new OAuthError(403, 'ERR_OAUTH_ACCOUNT_UNAVAILABLE', 'This account cannot sign in'),
};
