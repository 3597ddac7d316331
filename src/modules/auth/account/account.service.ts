import type { Kysely } from 'kysely';
import type { DB } from '../../../shared/db/index.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/http/index.ts';
import type { EmailService } from '../../email/index.ts';
import type { PasswordHasher } from '../password-hasher.ts';
import type { PasswordPolicy } from '../password-policy.ts';
import type { SessionControl } from '../sessions.service.ts';
import type { UserRepository, UserRow } from '../user.repository.ts';
import { AccountTokenInvalidError, NoPasswordError, WrongPasswordError } from './account-errors.ts';
import type { AccountLimits } from './account-limits.ts';
import type { AccountTokenRepository } from './account-tokens.repository.ts';
import type { AccountUserRepository } from './account-users.repository.ts';

export interface AccountServiceDeps {
  db: Kysely<DB>;
  users: UserRepository;
  accountUsers: AccountUserRepository;
  links: AccountTokenRepository;
  hasher: PasswordHasher;
  policy: PasswordPolicy;
  email: EmailService;
  limits: AccountLimits;
  control: SessionControl;
  publicUrl: string;
  emailVerifyTtlMs: number;
  passwordResetTtlMs: number;
  log: { warn(obj: object, msg: string): void };
  now?: () => Date;
}

/** The answer of POST /api/auth/password/forgot, whether or not the address has an account. */
export const FORGOT_ANSWER =
  'If an account exists for this address, a link to reset its password is on its way (valid for 30 minutes).';

const hours = (ms: number) => Math.max(1, Math.round(ms / 3_600_000));
const minutes = (ms: number) => Math.max(1, Math.round(ms / 60_000));

/**
 * The e-mail flows and password changes (docs/AUTH.md): verification, forgot/reset, change password,
 * change e-mail. Links carry a single-use token; only its SHA-256 is stored.
 */
export function createAccountService(d: AccountServiceDeps) {
  const now = d.now ?? (() => new Date());
  const link = (page: string, token: string) => `${d.publicUrl}/${page}?token=${encodeURIComponent(token)}`;
  const expiry = (ttlMs: number) => new Date(now().getTime() + ttlMs);

  async function account(userId: string): Promise<UserRow> {
    const user = await d.users.getById(userId);
    if (!user) throw new NotFoundError('Account no longer exists');
    return user;
  }

  /** The current password, checked with a per-account limit on wrong guesses. */
  async function checkPassword(user: UserRow, password: string, field: string): Promise<void> {
    if (!user.password_hash) throw new NoPasswordError();
    await d.limits.check('passwordChecksPerUser', user.id, 'wrong passwords for this account');
    if (await d.hasher.verify(user.password_hash, password)) return;
    await d.limits.hit('passwordChecksPerUser', user.id, 'wrong passwords for this account');
    throw new WrongPasswordError(field);
  }

  async function sendVerification(user: UserRow): Promise<void> {
    const token = await d.links.issue({
      userId: user.id,
      purpose: 'verify_email',
      email: user.email,
      expiresAt: expiry(d.emailVerifyTtlMs),
    });
    await d.email.send({
      to: user.email,
      template: 'verify_email',
      data: { link: link('verify-email', token), expiresInHours: hours(d.emailVerifyTtlMs) },
      locale: user.locale,
      userId: user.id,
    });
  }

  async function sendReset(email: string): Promise<void> {
    const user = await d.users.findByEmail(email);
    if (!user || user.disabled_at) return;
    const token = await d.links.issue({
      userId: user.id,
      purpose: 'reset_password',
      email: user.email,
      expiresAt: expiry(d.passwordResetTtlMs),
    });
    await d.email.send({
      to: user.email,
      template: 'password_reset',
      data: { link: link('reset-password', token), expiresInMinutes: minutes(d.passwordResetTtlMs) },
      locale: user.locale,
      userId: user.id,
    });
  }

  return {
    /** After registration: the first verification e-mail. A failure is logged; the user can resend. */
    async onRegistered(user: UserRow): Promise<void> {
      await sendVerification(user).catch((err: unknown) =>
        d.log.warn({ err, userId: user.id }, 'verification e-mail could not be queued'),
      );
    },

    async resendVerification(userId: string): Promise<{ emailVerified: boolean }> {
      const user = await account(userId);
      if (user.email_verified_at) return { emailVerified: true };
      await d.limits.hit('resendPerUser', userId, 'verification e-mails');
      await sendVerification(user);
      return { emailVerified: false };
    },

    /** Follows a verification link: of the address (verify_email) or of a new address (change_email). */
    async verifyEmail(token: string): Promise<{ email: string }> {
      const row = await d.links.findUsable(token, ['verify_email', 'change_email'], now());
      if (!row) throw new AccountTokenInvalidError();
      return d.db.transaction().execute(async (trx) => {
        if (!(await d.links.spend(row.id, trx))) throw new AccountTokenInvalidError();
        if (row.purpose === 'verify_email') {
          if (!(await d.accountUsers.verifyEmail(row.user_id, row.email, trx)))
            throw new AccountTokenInvalidError();
          await d.links.spendAll(row.user_id, 'verify_email', trx);
        } else if (!(await d.accountUsers.changeEmail(row.user_id, row.email, trx))) {
          throw new ConflictError('Another account now uses this e-mail address', 'ERR_EMAIL_TAKEN');
        }
        return { email: row.email };
      });
    },

    /**
     * Same answer whether or not the address has an account; the lookup and the e-mail run after the
     * answer, so its timing tells nothing either. Limited per IP and per address.
     */
    async forgotPassword(email: string, ip: string): Promise<{ message: string }> {
      await d.limits.hit('forgotPerIp', ip, 'password reset requests from this address');
      await d.limits.hit('forgotPerAddress', email, 'password reset requests for this e-mail');
      void sendReset(email).catch((err: unknown) => d.log.warn({ err }, 'password reset e-mail failed'));
      return { message: FORGOT_ANSWER };
    },

    /** Sets the new password and signs the account out everywhere (every session, every access token). */
    async resetPassword(token: string, password: string): Promise<void> {
      const row = await d.links.findUsable(token, ['reset_password'], now());
      if (!row) throw new AccountTokenInvalidError();
      const user = await account(row.user_id);
      d.policy.check(password, { email: user.email });
      const passwordHash = await d.hasher.hash(password);
      const { sessionIds } = await d.db.transaction().execute(async (trx) => {
        if (!(await d.links.spend(row.id, trx))) throw new AccountTokenInvalidError();
        await d.accountUsers.setPassword(user.id, passwordHash, trx);
        await d.links.spendAll(user.id, 'reset_password', trx);
        // The link reached the inbox: the address is the user's.
        await d.accountUsers.verifyEmail(user.id, row.email, trx);
        return d.control.revokeIn(trx, user.id, { kind: 'all' }, 'password-reset');
      });
      await d.control.announce(user.id, sessionIds, 'password-reset');
    },

    /** Other sessions are signed out; the one making the change stays signed in. */
    async changePassword(
      userId: string,
      sessionId: string,
      current: string,
      next: string,
    ): Promise<{ otherSessionsRevoked: number }> {
      const user = await account(userId);
      await checkPassword(user, current, '/body/currentPassword');
      d.policy.check(next, { email: user.email, field: '/body/newPassword' });
      const passwordHash = await d.hasher.hash(next);
      const { families, sessionIds } = await d.db.transaction().execute(async (trx) => {
        await d.accountUsers.setPassword(user.id, passwordHash, trx);
        const scope = { kind: 'all-but-family-of', sessionId } as const;
        return d.control.revokeIn(trx, user.id, scope, 'password-changed');
      });
      await d.control.announce(user.id, sessionIds, 'password-changed');
      await d.email
        .send({ to: user.email, template: 'password_changed', data: {}, locale: user.locale, userId })
        .catch((err: unknown) => d.log.warn({ err, userId }, 'password-changed notice failed'));
      return { otherSessionsRevoked: families };
    },

    /** A link to the new address (which becomes the account's once followed) and a notice to the old one. */
    async requestEmailChange(
      userId: string,
      newEmail: string,
      password: string,
    ): Promise<{ pendingEmail: string }> {
      const user = await account(userId);
      await checkPassword(user, password, '/body/password');
      const email = newEmail.toLowerCase();
      if (email === user.email.toLowerCase())
        throw new ValidationError('This is already your e-mail address', [
          { field: '/body/newEmail', message: 'is your current address' },
        ]);
      if (await d.accountUsers.emailTaken(email))
        throw new ConflictError('An account with this e-mail already exists', 'ERR_EMAIL_TAKEN');
      const token = await d.links.issue({
        userId,
        purpose: 'change_email',
        email,
        expiresAt: expiry(d.emailVerifyTtlMs),
      });
      const data = { newEmail: email, expiresInHours: hours(d.emailVerifyTtlMs) };
      await d.email.send({
        to: email,
        template: 'email_change_verify',
        data: { ...data, link: link('verify-email', token) },
        locale: user.locale,
        userId,
      });
      await d.email.send({
        to: user.email,
        template: 'email_change_notice',
        data,
        locale: user.locale,
        userId,
      });
      return { pendingEmail: email };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
