import { Type } from 'typebox';
import { MAX_PASSWORD_LENGTH } from '../password-policy.ts';
import { BACKUP_CODE_COUNT } from './backup-codes.ts';
import { MFA_ATTEMPT_WINDOW_MS, MFA_MAX_ATTEMPTS } from './mfa-rate-limiter.ts';

const LIMIT = `${MFA_MAX_ATTEMPTS} wrong codes per account in ${MFA_ATTEMPT_WINDOW_MS / 60_000} minutes, then 429 with Retry-After`;

const Code = Type.String({
  pattern: '^\\s*\\d{3}\\s?\\d{3}\\s*$',
  description: `The 6-digit code of your authenticator app (a space in the middle is fine). ${LIMIT}.`,
});
const BackupCode = Type.String({
  minLength: 1,
  maxLength: 32,
  description: 'One of your backup codes (`xxxx-xxxx-xxxx`; case and hyphens do not matter); each works once',
});
const Password = Type.String({
  maxLength: MAX_PASSWORD_LENGTH,
  description:
    'Your current password (an account that signs in only with Google or GitHub has none: omit it)',
});

export const MfaStatus = Type.Object({
  enabled: Type.Boolean(),
  setupPending: Type.Boolean({ description: 'setup ran and waits for enable' }),
  backupCodesRemaining: Type.Integer({ description: 'unused backup codes' }),
});

export const MfaSetupResult = Type.Object({
  secret: Type.String({ description: 'The TOTP secret, base32, for typing into an app by hand' }),
  otpauthUri: Type.String({
    description: '`otpauth://totp/TestWeb:<e-mail>?secret=…&issuer=TestWeb` (SHA1, 6 digits, 30 s)',
  }),
  qrCode: Type.String({ description: 'The same URI as a QR code: a `data:image/png;base64,…` URL' }),
});

export const EnableBody = Type.Object({ code: Code }, { additionalProperties: false });

export const BackupCodesResult = Type.Object({
  backupCodes: Type.Array(Type.String(), {
    minItems: BACKUP_CODE_COUNT,
    maxItems: BACKUP_CODE_COUNT,
    description: 'Shown this once: each signs in once instead of a code. Store them somewhere safe.',
  }),
});

export const ConfirmBody = Type.Object(
  { password: Type.Optional(Password), code: Type.Optional(Code), backupCode: Type.Optional(BackupCode) },
  { additionalProperties: false, description: 'The password and exactly one of code and backupCode' },
);

export const VerifyBody = Type.Object(
  {
    mfaToken: Type.String({ minLength: 1, maxLength: 128, description: 'From the login answer' }),
    code: Type.Optional(Code),
    backupCode: Type.Optional(BackupCode),
  },
  { additionalProperties: false, description: 'The mfaToken and exactly one of code and backupCode' },
);
