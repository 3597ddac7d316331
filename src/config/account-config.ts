import { ConfigError, readDuration as ms, readInt as int } from './parse.ts';

export interface OAuthProviderConfig {
  clientId: string;
  clientSecret: string;
  callbackUrl: string;
}

/** MFA, OAuth sign-in, e-mail flows and personal API tokens (docs/MFA.md, docs/OAUTH.md, docs/AUTH.md). */
export interface AccountConfig {
  /** Earlier ENCRYPTION_KEY values, for decrypting secrets stored before a rotation. */
  previousEncryptionKeys: string[];
  mfaTokenTtlMs: number;
  emailVerifyTtlMs: number;
  passwordResetTtlMs: number;
  maxApiTokensPerUser: number;
  /** null: the provider is not offered. */
  google: (OAuthProviderConfig & { issuerUrl: string }) | null;
  github: (OAuthProviderConfig & { oauthUrl: string; apiUrl: string }) | null;
}

type Env = Record<string, string | undefined>;

const DAY_MS = 86_400_000;

function url(e: Env, name: string): string {
  const v = e[name]?.trim() ?? '';
  if (!/^https?:\/\/\S+$/.test(v)) throw new ConfigError(name, 'an http(s) URL', v);
  return v.replace(/\/$/, '');
}

/** A provider needs both its id and its secret; one without the other is a mistake worth a clear error. */
function provider(e: Env, prefix: 'GOOGLE' | 'GITHUB', publicUrl: string): OAuthProviderConfig | null {
  const clientId = e[`${prefix}_CLIENT_ID`]?.trim() ?? '';
  const clientSecret = e[`${prefix}_CLIENT_SECRET`]?.trim() ?? '';
  if (!clientId && !clientSecret) return null;
  if (!clientId)
    throw new ConfigError(`${prefix}_CLIENT_ID`, `set together with ${prefix}_CLIENT_SECRET`, '');
  if (!clientSecret)
    throw new ConfigError(`${prefix}_CLIENT_SECRET`, `set together with ${prefix}_CLIENT_ID`, '');
  const callbackUrl = e[`${prefix}_CALLBACK_URL`]?.trim()
    ? url(e, `${prefix}_CALLBACK_URL`)
    : `${publicUrl}/api/auth/oauth/${prefix.toLowerCase()}/callback`;
  return { clientId, clientSecret, callbackUrl };
}

/** `e` already carries the defaults from ENV_VARS; `publicUrl` is PUBLIC_URL without a trailing slash. */
export function parseAccountConfig(e: Env, publicUrl: string): AccountConfig {
  const previousEncryptionKeys = (e.ENCRYPTION_KEY_PREVIOUS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (previousEncryptionKeys.some((k) => k.length < 32))
    throw new ConfigError(
      'ENCRYPTION_KEY_PREVIOUS',
      'comma-separated keys of at least 32 characters',
      '<redacted>',
    );
  const google = provider(e, 'GOOGLE', publicUrl);
  const github = provider(e, 'GITHUB', publicUrl);
  return {
    previousEncryptionKeys,
    mfaTokenTtlMs: ms(e, 'MFA_TOKEN_TTL', 1000, 3_600_000),
    emailVerifyTtlMs: ms(e, 'EMAIL_VERIFY_TTL', 1000, 30 * DAY_MS),
    passwordResetTtlMs: ms(e, 'PASSWORD_RESET_TTL', 1000, DAY_MS),
    maxApiTokensPerUser: int(e, 'API_TOKEN_MAX_PER_USER', 1, 10_000),
    google: google && { ...google, issuerUrl: url(e, 'GOOGLE_ISSUER_URL') },
    github: github && { ...github, oauthUrl: url(e, 'GITHUB_OAUTH_URL'), apiUrl: url(e, 'GITHUB_API_URL') },
  };
}
