import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/http/index.ts';
import type { ClientInfo } from '../auth.service.ts';
import type { LoginAnswer, SignInMethod } from '../sign-in.ts';
import type { UserRepository, UserRow } from '../user.repository.ts';
import { oauthErrors, PROVIDER_NAMES, type ProviderId } from './oauth.errors.ts';
import type { OAuthRepository } from './oauth.repository.ts';
import type { OAuthProvider, ProviderProfile } from './provider.ts';

/** An authorization started must come back within this long. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;
/** The one-time code of the callback's redirect is exchanged within this long, once. */
export const OAUTH_EXCHANGE_TTL_MS = 60_000;

export interface OAuthServiceDeps {
  providers: Partial<Record<ProviderId, OAuthProvider>>;
  repo: OAuthRepository;
  users: Pick<UserRepository, 'getById' | 'findByEmail' | 'create'>;
  /** AuthService.signIn: tokens, or the MFA step for accounts with MFA. */
  signIn(user: UserRow, client: ClientInfo, method: SignInMethod): Promise<LoginAnswer>;
  /** The auth IP rate limit (AUTH_RATE_LIMIT_IP): throws 429 when spent. */
  hitIp(ip: string): Promise<void>;
  /** PUBLIC_URL without a trailing slash: the callback redirects to `${publicUrl}/oauth/callback`. */
  publicUrl: string;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  now?: () => number;
}

export interface IdentityView {
  provider: ProviderId;
  email: string | null;
  linkedAt: string;
}

const random = () => randomBytes(32).toString('base64url');
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A browser key as this server issues them (43 base64url characters); anything else is replaced. */
const BROWSER_KEY = /^[\w-]{43}$/;

/**
 * The stored key of a state: the state and the browser key together, so the callback finds it only in the
 * browser that started the flow (RFC 6749 §10.12: a callback URL sent to someone else signs no one in).
 */
const stateKey = (state: string, browserKey: string) => sha256(`${state}.${browserKey}`);

export interface Started {
  url: string;
  /** Send back as the `testweb_oauth` cookie (the browser binding of the flow). */
  browserKey: string;
}

/** The identity insert lost a race with the same identity's first sign-in; the transaction rolls back. */
class IdentityRace extends Error {}

type CallbackOutcome = { code: string } | { linked: ProviderId };

export function createOAuthService(d: OAuthServiceDeps) {
  const now = d.now ?? (() => Date.now());

  function provider(id: ProviderId): OAuthProvider {
    const p = d.providers[id];
    if (!p) throw oauthErrors.notConfigured(PROVIDER_NAMES[id] ?? id);
    return p;
  }

  async function authorizationUrl(
    id: ProviderId,
    linkUserId: string | null,
    browserKey: string | undefined,
  ): Promise<Started> {
    const key = browserKey && BROWSER_KEY.test(browserKey) ? browserKey : random();
    const p = provider(id);
    const request = { state: random(), codeVerifier: random(), nonce: p.usesNonce ? random() : null };
    const url = await p.authorizationUrl(request);
    await d.repo.saveState(
      {
        stateHash: stateKey(request.state, key),
        provider: id,
        codeVerifier: request.codeVerifier,
        nonce: request.nonce,
        linkUserId,
        expiresAt: new Date(now() + OAUTH_STATE_TTL_MS),
      },
      new Date(now()),
    );
    return { url, browserKey: key };
  }

  /** The account of a sign-in: by identity; a new identity creates an account, never joins one. */
  async function accountFor(id: ProviderId, profile: ProviderProfile): Promise<UserRow> {
    const identity = await d.repo.findIdentity(id, profile.subject);
    if (identity) {
      const user = await d.users.getById(identity.user_id);
      if (!user) throw oauthErrors.accountUnavailable();
      if (profile.email && profile.email !== identity.email)
        await d.repo.updateIdentityEmail(identity.id, profile.email);
      return user;
    }
    if (!profile.email || !profile.emailVerified) throw oauthErrors.emailUnverified(id);
    // No silent merge: whoever controls the provider account must prove they own this one first.
    if (await d.users.findByEmail(profile.email)) throw oauthErrors.accountExists(id);
    try {
      const user = await d.users.create(
        { email: profile.email, passwordHash: null, emailVerified: true },
        async (trx, u) => {
          const row = await d.repo.insertIdentity(
            { userId: u.id, provider: id, subject: profile.subject, email: profile.email },
            trx,
          );
          if (!row) throw new IdentityRace();
        },
      );
      if (!user) throw oauthErrors.accountExists(id);
      return user;
    } catch (err) {
      if (!(err instanceof IdentityRace)) throw err;
      const winner = await d.repo.findIdentity(id, profile.subject);
      const user = winner && (await d.users.getById(winner.user_id));
      if (!user) throw oauthErrors.accountUnavailable();
      return user;
    }
  }

  async function link(userId: string, id: ProviderId, profile: ProviderProfile): Promise<void> {
    const identity = await d.repo.findIdentity(id, profile.subject);
    if (identity?.user_id === userId) return; // linked already: nothing to do
    if (identity) throw oauthErrors.identityTaken(id);
    const row = await d.repo.insertIdentity({
      userId,
      provider: id,
      subject: profile.subject,
      email: profile.email,
    });
    if (row) return;
    const again = await d.repo.findIdentity(id, profile.subject);
    throw again && again.user_id !== userId ? oauthErrors.identityTaken(id) : oauthErrors.alreadyLinked(id);
  }

  async function complete(
    id: ProviderId,
    query: Record<string, string>,
    browserKey: string | undefined,
  ): Promise<CallbackOutcome> {
    const p = provider(id);
    const state =
      query.state && browserKey ? await d.repo.takeState(stateKey(query.state, browserKey), id) : undefined;
    if (!state || state.expires_at.getTime() <= now()) throw oauthErrors.stateInvalid();
    if (query.error) throw oauthErrors.denied(id);
    const profile = await p.complete(query, {
      state: query.state!,
      codeVerifier: state.code_verifier,
      nonce: state.nonce,
    });
    if (state.link_user_id) {
      await link(state.link_user_id, id, profile);
      return { linked: id };
    }
    const user = await accountFor(id, profile);
    if (user.disabled_at) throw oauthErrors.accountDisabled(); // said now rather than at the exchange
    const code = random();
    await d.repo.saveExchangeCode(
      {
        userId: user.id,
        tokenHash: sha256(code),
        method: id,
        expiresAt: new Date(now() + OAUTH_EXCHANGE_TTL_MS),
      },
      new Date(now()),
    );
    return { code };
  }

  function redirect(params: Record<string, string>): string {
    return `${d.publicUrl}/oauth/callback?${new URLSearchParams(params).toString()}`;
  }

  return {
    /** The configured providers, in a stable order. */
    providers(): { id: ProviderId; name: string }[] {
      return (['google', 'github'] as const)
        .filter((id) => d.providers[id])
        .map((id) => ({ id, name: PROVIDER_NAMES[id] }));
    },

    async start(id: ProviderId, client: ClientInfo, browserKey?: string): Promise<Started> {
      provider(id);
      await d.hitIp(client.ip);
      return authorizationUrl(id, null, browserKey);
    },

    async startLink(
      id: ProviderId,
      userId: string,
      client: ClientInfo,
      browserKey?: string,
    ): Promise<Started> {
      provider(id);
      await d.hitIp(client.ip);
      const linked = await d.repo.listIdentities(userId);
      if (linked.some((i) => i.provider === id)) throw oauthErrors.alreadyLinked(id);
      return authorizationUrl(id, userId, browserKey);
    },

    /**
     * The provider's redirect: always answers with where to send the browser — the client's
     * /oauth/callback with a one-time `code`, `linked=<provider>`, or `error` and `message`. Never tokens.
     */
    async callback(id: ProviderId, query: Record<string, unknown>, browserKey?: string): Promise<string> {
      const params = Object.fromEntries(
        Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
      try {
        const outcome = await complete(id, params, browserKey);
        return redirect('code' in outcome ? { code: outcome.code } : { linked: outcome.linked });
      } catch (err) {
        if (err instanceof AppError) return redirect({ error: err.code, message: err.message });
        d.log.error({ err, provider: id }, 'OAuth callback failed');
        return redirect({ error: 'ERR_INTERNAL', message: 'Sign-in failed; try again' });
      }
    },

    /** The one-time code for tokens, or for the MFA step when the account has MFA. */
    async exchange(code: string, client: ClientInfo): Promise<LoginAnswer> {
      await d.hitIp(client.ip);
      const taken = await d.repo.takeExchangeCode(sha256(code), new Date(now()));
      if (!taken) throw oauthErrors.codeInvalid();
      const user = await d.users.getById(taken.userId);
      if (!user) throw oauthErrors.codeInvalid();
      return d.signIn(user, client, taken.method); // refuses a disabled account, asks for MFA
    },

    async identities(userId: string): Promise<IdentityView[]> {
      const rows = await d.repo.listIdentities(userId);
      return rows.map((r) => ({
        provider: r.provider as ProviderId,
        email: r.email,
        linkedAt: r.created_at.toISOString(),
      }));
    },

    async unlink(userId: string, id: ProviderId): Promise<void> {
      const result = await d.repo.deleteIdentity(userId, id);
      if (result === 'missing') throw oauthErrors.notLinked(id);
      if (result === 'last') throw oauthErrors.lastMethod(id);
    },
  };
}

export type OAuthService = ReturnType<typeof createOAuthService>;
