import { Type } from 'typebox';
import { MAX_PASSWORD_LENGTH } from '../password-policy.ts';

const Email = Type.String({
  format: 'email',
  maxLength: 254,
  description: 'E-mail address (case-insensitive)',
});
const Password = Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH });
const LinkToken = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'The `token` parameter of the link in the e-mail',
});

export const TokenBody = Type.Object({ token: LinkToken }, { additionalProperties: false });
export const ForgotBody = Type.Object({ email: Email }, { additionalProperties: false });
export const ResetBody = Type.Object(
  {
    token: LinkToken,
    password: Type.String({ ...Password, description: 'The new password (policy: docs/AUTH.md)' }),
  },
  { additionalProperties: false },
);
export const ChangePasswordBody = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);
export const ChangeEmailBody = Type.Object(
  { newEmail: Email, password: Type.String({ ...Password, description: 'Your current password' }) },
  { additionalProperties: false },
);

export const VerifiedAnswer = Type.Object({
  email: Type.String({ description: 'The address now verified (after a change: the account’s new address)' }),
});
export const ResendAnswer = Type.Object({
  emailVerified: Type.Boolean({
    description: 'true: already verified, nothing sent; false: a new link is on its way',
  }),
  message: Type.String(),
});
export const MessageAnswer = Type.Object({ message: Type.String() });
export const PasswordChangedAnswer = Type.Object({
  otherSessionsRevoked: Type.Integer({
    description: 'Sign-ins (other devices) signed out; the session that made the change stays signed in',
  }),
  message: Type.String(),
});
export const EmailChangeAnswer = Type.Object({
  pendingEmail: Type.String({
    description: 'Becomes the account’s address once the link sent to it is followed',
  }),
  message: Type.String(),
});

export const SessionView = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The sign-in; stays the same across refreshes' }),
  createdAt: Type.String({ format: 'date-time', description: 'When this sign-in happened' }),
  lastUsedAt: Type.String({
    format: 'date-time',
    description: 'The last refresh (clients refresh every ACCESS_TOKEN_TTL while active) or the sign-in',
  }),
  ip: Type.Union([Type.String(), Type.Null()], { description: 'Client IP of the last refresh' }),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean({ description: 'The session of the access token making this call' }),
});
export const SessionList = Type.Object({ items: Type.Array(SessionView) });
