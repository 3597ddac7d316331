import { Type } from 'typebox';
import { AuthResult } from '../auth.schemas.ts';

export const ProviderParam = Type.Object(
  {
    provider: Type.Union([Type.Literal('google'), Type.Literal('github')], {
      description: 'The identity provider',
    }),
  },
  { additionalProperties: false },
);

export const ProviderList = Type.Object({
  providers: Type.Array(
    Type.Object({
      id: Type.Union([Type.Literal('google'), Type.Literal('github')]),
      name: Type.String({ description: 'For the button: "Google", "GitHub"' }),
    }),
    { description: 'Only the providers this server is configured for' },
  ),
});

/** Whatever the provider sends back; the service reads code, state and error. */
export const CallbackQuery = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 2048 })),
    state: Type.Optional(Type.String({ maxLength: 512 })),
    error: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: true },
);

export const Redirect = Type.Null({ description: 'Redirect: see the Location header' });

export const ExchangeBody = Type.Object(
  {
    code: Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'The one-time code of `PUBLIC_URL/oauth/callback?code=…` (60 s, single use)',
    }),
  },
  { additionalProperties: false },
);

export const MfaStep = Type.Object({
  mfaRequired: Type.Literal(true),
  mfaToken: Type.String({ description: 'For POST /api/auth/mfa/verify (single use)' }),
  expiresIn: Type.Integer({ description: 'Seconds the mfaToken stays valid' }),
});

export const ExchangeAnswer = Type.Union([AuthResult, MfaStep], {
  description: 'Tokens, or the MFA step for an account with MFA (docs/MFA.md)',
});

export const LinkAnswer = Type.Object({
  authorizationUrl: Type.String({ description: "Send the browser here: the provider's consent page" }),
});

export const IdentityList = Type.Object({
  identities: Type.Array(
    Type.Object({
      provider: Type.Union([Type.Literal('google'), Type.Literal('github')]),
      email: Type.Union([Type.String(), Type.Null()], { description: "The provider account's address" }),
      linkedAt: Type.String({ format: 'date-time' }),
    }),
  ),
});
