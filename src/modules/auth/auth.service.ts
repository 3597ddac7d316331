import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { UserLocale } from '../../shared/db/index.ts';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '../../shared/http/index.ts';
import type { AuthRateLimiter } from './auth-rate-limiter.ts';
import type { PasswordHasher } from './password-hasher.ts';
import type { PasswordPolicy } from './password-policy.ts';
import type { SessionRepository, SessionRow } from './session.repository.ts';
import { hashRefreshToken, newRefreshToken, type AccessTokens } from './tokens.ts';
import type { UserRepository, UserRow } from './user.repository.ts';
import type { LoginAnswer, SecondFactor, SignInMethod } from './sign-in.ts';
import { AccountDisabledError } from './account/account-errors.ts';

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export interface PublicUser {
  id: string;
  email: string;
  role: 'user' | 'admin';
  createdAt: string;
  locale: UserLocale;
  displayName: string | null;
  emailVerified: boolean;
  mfaEnabled: boolean;
}

/** PATCH /api/auth/me: the fields given change, the others stay. */
export interface ProfileChange {
  locale?: UserLocale;
  displayName?: string | null;
}

export interface AuthResult {
  user: PublicUser;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

interface Deps {
  db: Kysely<DB>;
  users: UserRepository;
  sessions: SessionRepository;
  hasher: PasswordHasher;
  policy: PasswordPolicy;
  tokens: AccessTokens;
  limiter: AuthRateLimiter;
  refreshTtlMs: number;
  reuseGraceMs: number;
  log: { warn(obj: object, msg: string): void };
  /** The MFA step; absent: no account needs one. */
  secondFactor?: SecondFactor;
  /** The e-mail flows and session revocation (docs/AUTH.md); absent: nothing after registration, logout revokes in SQL only. */
  account?: {
    afterRegister(user: UserRow): Promise<void>;
    /** Revokes the sign-in of `sessionId` and its access tokens at once. */
    logout(userId: string, sessionId: string): Promise<void>;
  };
}

const INVALID_LOGIN = 'E-mail or password is incorrect';

function toPublic(u: UserRow): PublicUser {
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    createdAt: u.created_at.toISOString(),
    locale: u.locale,
    displayName: u.display_name,
    emailVerified: u.email_verified_at !== null,
    mfaEnabled: u.mfa_enabled,
  };
}

/** A display name as stored: trimmed, and not empty once trimmed (null removes it). */
function displayName(value: string | null): string | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (!trimmed)
    throw new ValidationError('displayName is blank', [
      { field: '/body/displayName', message: 'must contain a non-blank character, or be null to remove it' },
    ]);
  return trimmed;
}

export function createAuthService(d: Deps) {
  async function issue(
    user: UserRow,
    client: ClientInfo,
    familyId: string = randomUUID(),
    trx: Kysely<DB> = d.db,
  ) {
    const refreshToken = newRefreshToken();
    const session = await d.sessions.create(
      {
        userId: user.id,
        familyId,
        tokenHash: hashRefreshToken(refreshToken),
        expiresAt: new Date(Date.now() + d.refreshTtlMs),
        ...client,
      },
      trx,
    );
    const accessToken = await d.tokens.sign(user, session.id);
    return {
      session,
      result: { user: toPublic(user), accessToken, refreshToken, expiresIn: d.tokens.ttlSeconds },
    };
  }

  /** A rotated token came back. Within the grace window (a lost response) re-issue; otherwise it is theft. */
  async function onRotatedTokenReuse(
    session: SessionRow,
    user: UserRow,
    client: ClientInfo,
  ): Promise<AuthResult> {
    const rotatedAgo = Date.now() - (session.rotated_at?.getTime() ?? 0);
    // The successor was never delivered, so it is revoked and replaced rather than left usable.
    if (
      rotatedAgo <= d.reuseGraceMs &&
      session.replaced_by &&
      (await d.sessions.supersede(session.replaced_by))
    ) {
      const { session: next, result } = await issue(user, client, session.family_id);
      await d.sessions.setReplacedBy(session.id, next.id);
      return result;
    }
    await d.sessions.revokeFamily(session.family_id, 'reuse');
    d.log.warn(
      { userId: user.id, familyId: session.family_id },
      'refresh token reused; session family revoked',
    );
    throw new UnauthorizedError(
      'Refresh token was already used; all sessions of this sign-in were revoked',
      'ERR_REFRESH_TOKEN_REUSED',
    );
  }

  /** The end of every first factor: the MFA step when the account has one, else tokens. */
  async function signIn(user: UserRow, client: ClientInfo, method: SignInMethod): Promise<LoginAnswer> {
    if (user.disabled_at) throw new AccountDisabledError();
    const challenge = d.secondFactor ? await d.secondFactor.challenge(user, client, method) : null;
    if (challenge) return challenge;
    await d.users.touchLogin(user.id);
    return (await issue(user, client)).result;
  }

  return {
    signIn,

    /** The policy's judgement of a password, for the dashboard's meter; rate-limited per IP, never logged. */
    async passwordStrength(password: string, email: string | undefined, client: ClientInfo) {
      await d.limiter.hitStrength(client.ip);
      return d.policy.strength(password, { email });
    },

    /** Tokens for a user whose sign-in is complete (after the MFA step, or an OAuth exchange). */
    async issueTokens(user: UserRow, client: ClientInfo): Promise<AuthResult> {
      if (user.disabled_at) throw new AccountDisabledError();
      await d.users.touchLogin(user.id);
      return (await issue(user, client)).result;
    },

    async register(email: string, password: string, client: ClientInfo): Promise<AuthResult> {
      await d.limiter.hitIp(client.ip);
      await d.limiter.checkAccount(email);
      await d.limiter.hitAccount(email);
      d.policy.check(password, { email });
      const user = await d.users.create({ email, passwordHash: await d.hasher.hash(password) });
      if (!user) throw new ConflictError('An account with this e-mail already exists', 'ERR_EMAIL_TAKEN');
      await d.limiter.resetAccount(email);
      await d.account?.afterRegister(user);
      return (await issue(user, client)).result;
    },

    async login(email: string, password: string, client: ClientInfo): Promise<LoginAnswer> {
      await d.limiter.hitIp(client.ip);
      await d.limiter.checkAccount(email);
      const user = await d.users.findByEmail(email);
      const ok = user?.password_hash
        ? await d.hasher.verify(user.password_hash, password)
        : (await d.hasher.verifyDummy(password), false);
      if (!user || !ok) {
        await d.limiter.hitAccount(email);
        throw new UnauthorizedError(INVALID_LOGIN, 'ERR_INVALID_CREDENTIALS');
      }
      await d.limiter.resetAccount(email);
      return signIn(user, client, 'password');
    },

    async refresh(refreshToken: string, client: ClientInfo): Promise<AuthResult> {
      const session = await d.sessions.findByTokenHash(hashRefreshToken(refreshToken));
      const invalid = new UnauthorizedError(
        'Refresh token is invalid or expired',
        'ERR_REFRESH_TOKEN_INVALID',
      );
      if (!session) throw invalid;
      const user = await d.users.getById(session.user_id);
      if (!user) throw invalid;
      if (user.disabled_at) throw new AccountDisabledError();
      if (session.revoked_at || session.expires_at.getTime() <= Date.now()) throw invalid;
      if (session.rotated_at) return onRotatedTokenReuse(session, user, client);
      const rotated = await d.db.transaction().execute(async (trx) => {
        // Shares the user's row with revocations (they lock it): see sessions.repository.ts.
        await sql`SELECT id FROM users WHERE id = ${user.id} FOR KEY SHARE`.execute(trx);
        if (!(await d.sessions.markRotated(session.id, trx))) return undefined;
        const { session: next, result } = await issue(user, client, session.family_id, trx);
        await d.sessions.setReplacedBy(session.id, next.id, trx);
        return result;
      });
      if (rotated) return rotated;
      // Another request rotated it between our read and our update: treat as a second use.
      const latest = await d.sessions.findByTokenHash(hashRefreshToken(refreshToken));
      if (!latest || latest.revoked_at) throw invalid;
      return onRotatedTokenReuse(latest, user, client);
    },

    async logout(userId: string, sessionId: string): Promise<void> {
      if (d.account) return d.account.logout(userId, sessionId);
      await d.sessions.revokeOwnFamily(userId, sessionId, 'logout');
    },

    async me(userId: string): Promise<PublicUser> {
      const user = await d.users.getById(userId);
      if (!user) throw new NotFoundError('Account no longer exists');
      return toPublic(user);
    },

    async updateProfile(userId: string, change: ProfileChange): Promise<PublicUser> {
      const user = await d.users.updateProfile(userId, {
        ...(change.locale !== undefined && { locale: change.locale }),
        ...(change.displayName !== undefined && { display_name: displayName(change.displayName) }),
      });
      if (!user) throw new NotFoundError('Account no longer exists');
      return toPublic(user);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
