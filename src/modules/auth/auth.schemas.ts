import { Type, type Static } from 'typebox';
import { MAX_PASSWORD_LENGTH } from './password-policy.ts';

const Email = Type.String({
  format: 'email',
  maxLength: 254,
  description: 'E-mail address (case-insensitive)',
});

export const Credentials = Type.Object(
  { email: Email, password: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }) },
  { additionalProperties: false },
);

export const RefreshBody = Type.Object(
  {
    refreshToken: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 512,
        description:
          'Required, unless the request sends `X-TestWeb-Session: cookie` and the `testweb_refresh` cookie (docs/AUTH.md)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Locale = Type.Union([Type.Literal('en'), Type.Literal('zh-CN')], {
  description: 'Language of your e-mails and notifications',
});

export const DISPLAY_NAME_MAX = 100;

export const PublicUser = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
  createdAt: Type.String({ format: 'date-time' }),
  locale: Locale,
  displayName: Type.Union([Type.String(), Type.Null()]),
  emailVerified: Type.Boolean({
    description: 'Whether the address was verified; alert e-mails go only to verified addresses',
  }),
  mfaEnabled: Type.Boolean({ description: 'Whether sign-in asks for a TOTP code (docs/MFA.md)' }),
});

export const UpdateProfileBody = Type.Object(
  {
    locale: Type.Optional(Locale),
    displayName: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: DISPLAY_NAME_MAX }), Type.Null()], {
        description: `1–${DISPLAY_NAME_MAX} characters, stored trimmed; null removes it`,
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateProfileBody = Static<typeof UpdateProfileBody>;

export const AuthResult = Type.Object({
  user: PublicUser,
  accessToken: Type.String({ description: 'JWT for `Authorization: Bearer …`' }),
  refreshToken: Type.Optional(
    Type.String({
      description:
        'Opaque, single-use; exchange at /api/auth/refresh. Absent when the request sent `X-TestWeb-Session: cookie`: it is then the HttpOnly `testweb_refresh` cookie (docs/AUTH.md)',
    }),
  ),
  expiresIn: Type.Integer({ description: 'Access token lifetime in seconds' }),
});

/** The login answer of an account with MFA on: no tokens yet (docs/MFA.md). */
export const MfaChallenge = Type.Object({
  mfaRequired: Type.Literal(true),
  mfaToken: Type.String({
    description: 'Single use, for this account only: send it with a code to POST /api/auth/mfa/verify',
  }),
  expiresIn: Type.Integer({ description: 'Seconds the mfaToken stays valid (MFA_TOKEN_TTL)' }),
});

/** Tokens, or the MFA step first when the account has MFA on. */
export const LoginAnswer = Type.Union([AuthResult, MfaChallenge], {
  description: 'Tokens; or, when the account has MFA on, `{ mfaRequired: true, mfaToken, expiresIn }`',
});

export const StrengthBody = Type.Object(
  {
    password: Type.String({
      maxLength: MAX_PASSWORD_LENGTH,
      description: 'The password to judge; never stored or logged',
    }),
    email: Type.Optional(
      Type.String({
        maxLength: 254,
        description: 'The address it is for (as typed so far): its parts count as words an attacker knows',
      }),
    ),
  },
  { additionalProperties: false },
);

export const StrengthAnswer = Type.Object({
  score: Type.Integer({ minimum: 0, maximum: 4, description: "zxcvbn's score; 0 outside the length limits" }),
  minScore: Type.Integer({
    minimum: 0,
    maximum: 4,
    description: 'PASSWORD_MIN_SCORE: what a password needs',
  }),
  acceptable: Type.Boolean({ description: 'Whether register, reset and change would accept it' }),
  warning: Type.Union([Type.String(), Type.Null()], { description: 'Why it is weak (English), or null' }),
  suggestions: Type.Array(Type.String(), { description: 'What would make it stronger (English)' }),
});
