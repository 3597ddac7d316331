import type { Kysely } from 'kysely';
import QRCode from 'qrcode';
import type { DB } from '../../../shared/db/index.ts';
import { SecretBoxError, type SecretBox } from '../../../shared/crypto/index.ts';
import { NotFoundError, ValidationError, type AppError } from '../../../shared/http/index.ts';
import type { AuthResult, ClientInfo } from '../auth.service.ts';
import type { PasswordHasher } from '../password-hasher.ts';
import type { UserRow } from '../user.repository.ts';
import { hashBackupCode, newBackupCodes } from './backup-codes.ts';
import type { MfaChallengeRepository } from './mfa-challenge.repository.ts';
import {
  MfaConfirmationError,
  MfaSecretUnreadableError,
  MfaSignInError,
  MfaStateError,
  MfaTokenError,
} from './mfa-errors.ts';
import type { MfaAttemptLimiter } from './mfa-rate-limiter.ts';
import type { MfaRepository } from './mfa.repository.ts';
import { hashMfaToken } from './second-factor.ts';
import type { Totp } from './totp.ts';

interface Deps {
  db: Kysely<DB>;
  repo: MfaRepository;
  challenges: MfaChallengeRepository;
  box: SecretBox;
  totp: Totp;
  limiter: MfaAttemptLimiter;
  hasher: PasswordHasher;
  now: () => number;
  /** Tokens once the second factor is proven (AuthService.issueTokens). */
  issueTokens(user: UserRow, client: ClientInfo): Promise<AuthResult>;
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** Exactly one of them: a TOTP code or a backup code. */
export interface Proof {
  code?: string | undefined;
  backupCode?: string | undefined;
}

type Outcome = 'wrong' | 'replayed';

const WRONG = { code: 'The code is wrong', backupCode: 'The backup code is wrong or was already used' };
const REPLAYED = 'This code was already used; wait for the next one';

function checkProof(proof: Proof): 'code' | 'backupCode' {
  if ((proof.code === undefined) === (proof.backupCode === undefined))
    throw new ValidationError('Send either code or backupCode', [
      { field: '/body/code', message: 'send exactly one of code and backupCode' },
    ]);
  return proof.code !== undefined ? 'code' : 'backupCode';
}

function signInFailure(field: 'code' | 'backupCode', outcome: Outcome): AppError {
  return outcome === 'replayed'
    ? new MfaSignInError(REPLAYED, 'ERR_MFA_CODE_USED')
    : new MfaSignInError(WRONG[field], 'ERR_MFA_CODE_INVALID');
}

function confirmationFailure(field: 'code' | 'backupCode', outcome: Outcome): AppError {
  return outcome === 'replayed'
    ? new MfaConfirmationError(REPLAYED, field, 'ERR_MFA_CODE_USED')
    : new MfaConfirmationError(WRONG[field], field, 'ERR_MFA_CODE_INVALID');
}

export function createMfaService(d: Deps) {
  async function account(userId: string): Promise<UserRow> {
    const user = await d.repo.getUser(userId);
    if (!user) throw new NotFoundError('Account no longer exists');
    return user;
  }

  function requireEnabled(user: UserRow): string {
    if (!user.mfa_enabled || !user.mfa_secret_encrypted)
      throw new MfaStateError('Two-factor authentication is not on for this account', 'ERR_MFA_NOT_ENABLED');
    return user.mfa_secret_encrypted;
  }

  /** The account's TOTP secret; one sealed under an earlier ENCRYPTION_KEY is written again under the current. */
  async function openSecret(user: UserRow, sealed: string): Promise<string> {
    let secret: string;
    try {
      secret = d.box.open(sealed);
    } catch (err) {
      if (!(err instanceof SecretBoxError)) throw err;
      d.log.error({ userId: user.id, reason: err.message }, 'MFA secret cannot be opened');
      throw new MfaSecretUnreadableError();
    }
    if (d.box.needsReseal(sealed)) await d.repo.reseal(user.id, sealed, d.box.seal(secret));
    return secret;
  }

  /**
   * One second-factor attempt: takes a point of the account's budget, checks the code (refusing a used
   * time step) or uses up the backup code, and runs `action` in the same transaction, so a code is spent
   * only when the action happens and an action never happens without its code.
   */
  async function attempt<T>(
    user: UserRow,
    /** Opened only for a TOTP code: a backup code works even when the secret cannot be read. */
    secret: () => Promise<string>,
    proof: Proof,
    fail: (field: 'code' | 'backupCode', outcome: Outcome) => AppError,
    action: (trx: Kysely<DB>) => Promise<T>,
    before?: () => Promise<void>,
  ): Promise<T> {
    const field = checkProof(proof);
    await d.limiter.take(user.id);
    await before?.();
    const totpSecret = field === 'code' ? await secret() : '';
    const result = await d.db.transaction().execute(async (trx) => {
      let outcome: Outcome | null;
      if (field === 'code') {
        const step = d.totp.match(totpSecret, proof.code!.replace(/\s/g, ''));
        outcome = step === null ? 'wrong' : (await d.repo.claimStep(user.id, step, trx)) ? null : 'replayed';
      } else {
        outcome = (await d.repo.useBackupCode(user.id, hashBackupCode(proof.backupCode!), trx))
          ? null
          : 'wrong';
      }
      return outcome ? { outcome } : { outcome, value: await action(trx) };
    });
    if (result.outcome) throw fail(field, result.outcome);
    await d.limiter.forgive(user.id);
    return result.value as T;
  }

  /** Disabling and regenerating need the password too; an account that has none (OAuth only) needs the code. */
  function passwordCheck(user: UserRow, password: string) {
    return async () => {
      if (user.password_hash && !(await d.hasher.verify(user.password_hash, password)))
        throw new MfaConfirmationError('The password is wrong', 'password', 'ERR_MFA_PASSWORD_INVALID');
    };
  }

  return {
    async status(userId: string) {
      const user = await account(userId);
      return {
        enabled: user.mfa_enabled,
        setupPending: !user.mfa_enabled && user.mfa_pending_secret_encrypted !== null,
        backupCodesRemaining: user.mfa_enabled ? await d.repo.unusedBackupCodes(user.id) : 0,
      };
    },

    async setup(userId: string) {
      const user = await account(userId);
      const already = new MfaStateError(
        'Two-factor authentication is already on; disable it first to move to another authenticator',
        'ERR_MFA_ALREADY_ENABLED',
      );
      if (user.mfa_enabled) throw already;
      const secret = d.totp.newSecret();
      if (!(await d.repo.setPendingSecret(user.id, d.box.seal(secret)))) throw already;
      const otpauthUri = d.totp.uri(secret, user.email);
      return { secret, otpauthUri, qrCode: await QRCode.toDataURL(otpauthUri) };
    },

    async enable(userId: string, code: string) {
      const user = await account(userId);
      if (user.mfa_enabled)
        throw new MfaStateError('Two-factor authentication is already on', 'ERR_MFA_ALREADY_ENABLED');
      const pending = user.mfa_pending_secret_encrypted;
      const setupFirst = new MfaStateError(
        'Start with POST /api/auth/mfa/setup (or it ran again: use the newest secret)',
        'ERR_MFA_SETUP_REQUIRED',
      );
      if (!pending) throw setupFirst;
      // A pending secret sealed under a key the server no longer has: setting up again replaces it.
      let secret: string;
      try {
        secret = d.box.open(pending);
      } catch (err) {
        if (err instanceof SecretBoxError) throw setupFirst;
        throw err;
      }
      const backupCodes = newBackupCodes();
      await attempt(
        user,
        async () => secret,
        { code },
        confirmationFailure,
        async (trx) => {
          const sealed = d.box.needsReseal(pending) ? d.box.seal(secret) : pending;
          if (!(await d.repo.enable(user.id, pending, sealed, trx))) throw setupFirst;
          await d.repo.replaceBackupCodes(user.id, backupCodes.map(hashBackupCode), trx);
        },
      );
      d.log.info({ userId: user.id }, 'MFA enabled');
      return { backupCodes };
    },

    async disable(userId: string, password: string, proof: Proof): Promise<void> {
      const user = await account(userId);
      const secret = () => openSecret(user, requireEnabled(user));
      await attempt(
        user,
        secret,
        proof,
        confirmationFailure,
        async (trx) => {
          await d.repo.disable(user.id, trx);
          await d.challenges.dropForUser(user.id, trx);
        },
        passwordCheck(user, password),
      );
      d.log.info({ userId: user.id }, 'MFA disabled');
    },

    async regenerateBackupCodes(userId: string, password: string, proof: Proof) {
      const user = await account(userId);
      const secret = () => openSecret(user, requireEnabled(user));
      const backupCodes = newBackupCodes();
      await attempt(
        user,
        secret,
        proof,
        confirmationFailure,
        (trx) => d.repo.replaceBackupCodes(user.id, backupCodes.map(hashBackupCode), trx),
        passwordCheck(user, password),
      );
      d.log.info({ userId: user.id }, 'MFA backup codes regenerated');
      return { backupCodes };
    },

    /** The second step of a sign-in: the mfaToken from the first factor, and a code or a backup code. */
    async verify(mfaToken: string, proof: Proof, client: ClientInfo): Promise<AuthResult> {
      checkProof(proof);
      const challenge = await d.challenges.find(hashMfaToken(mfaToken));
      if (!challenge) throw new MfaTokenError('invalid');
      if (challenge.used_at) throw new MfaTokenError('used');
      if (challenge.expires_at.getTime() <= d.now()) throw new MfaTokenError('expired');
      const user = await d.repo.getUser(challenge.user_id);
      if (!user?.mfa_enabled || !user.mfa_secret_encrypted || user.disabled_at)
        throw new MfaTokenError('invalid');
      const sealed = user.mfa_secret_encrypted;
      const secret = () => openSecret(user, sealed);
      const fail = (field: 'code' | 'backupCode', outcome: Outcome) => {
        void d.challenges.countFailure(challenge.id).catch(() => undefined);
        return signInFailure(field, outcome);
      };
      await attempt(user, secret, proof, fail, async (trx) => {
        const now = new Date(d.now());
        if (!(await d.challenges.claim(challenge.id, now, trx)))
          throw new MfaTokenError(challenge.expires_at <= now ? 'expired' : 'used');
      });
      return d.issueTokens(user, client);
    },
  };
}

export type MfaService = ReturnType<typeof createMfaService>;
