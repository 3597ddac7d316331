import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../../shared/db/index.ts';
import type { OAuthIdentitiesTable, OAuthStatesTable } from '../../../shared/db/schema.ts';
import type { ProviderId } from './oauth.errors.ts';

export type OAuthStateRow = Selectable<OAuthStatesTable>;
export type IdentityRow = Selectable<OAuthIdentitiesTable>;

export interface NewState {
  stateHash: string;
  provider: ProviderId;
  codeVerifier: string;
  nonce: string | null;
  linkUserId: string | null;
  expiresAt: Date;
}

export interface NewIdentity {
  userId: string;
  provider: ProviderId;
  subject: string;
  email: string | null;
}

/** OAuth's own rows: authorization states, identities, and the one-time exchange codes (login_challenges). */
export function createOAuthRepository(db: Kysely<DB>) {
  return {
    /** Stores a state; expired ones go at the same time, so abandoned sign-ins do not pile up. */
    async saveState(s: NewState, now: Date): Promise<void> {
      await db.deleteFrom('oauth_states').where('expires_at', '<=', now).execute();
      await db
        .insertInto('oauth_states')
        .values({
          state_hash: s.stateHash,
          provider: s.provider,
          code_verifier: s.codeVerifier,
          nonce: s.nonce,
          link_user_id: s.linkUserId,
          expires_at: s.expiresAt,
        })
        .execute();
    },

    /** Removes and returns the state (single use, expired or not); undefined when unknown. */
    takeState(stateHash: string, provider: ProviderId): Promise<OAuthStateRow | undefined> {
      return db
        .deleteFrom('oauth_states')
        .where('state_hash', '=', stateHash)
        .where('provider', '=', provider)
        .returningAll()
        .executeTakeFirst();
    },

    findIdentity(provider: ProviderId, subject: string): Promise<IdentityRow | undefined> {
      return db
        .selectFrom('oauth_identities')
        .selectAll()
        .where('provider', '=', provider)
        .where('provider_user_id', '=', subject)
        .executeTakeFirst();
    },

    listIdentities(userId: string): Promise<IdentityRow[]> {
      return db
        .selectFrom('oauth_identities')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .execute();
    },

    /** Undefined when the identity belongs to an account already, or the user has one of this provider. */
    insertIdentity(i: NewIdentity, trx: Kysely<DB> = db): Promise<IdentityRow | undefined> {
      return trx
        .insertInto('oauth_identities')
        .columns(['user_id', 'provider', 'provider_user_id', 'email'])
        .expression(
          trx
            .selectNoFrom([
              sql<string>`${i.userId}::uuid`.as('user_id'),
              sql<string>`${i.provider}`.as('provider'),
              sql<string>`${i.subject}`.as('provider_user_id'),
              sql<string | null>`${i.email}`.as('email'),
            ])
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom('oauth_identities')
                    .select('id')
                    .where('user_id', '=', i.userId)
                    .where('provider', '=', i.provider),
                ),
              ),
            ),
        )
        .onConflict((oc) => oc.columns(['provider', 'provider_user_id']).doNothing())
        .returningAll()
        .executeTakeFirst();
    },

    async updateIdentityEmail(id: string, email: string | null): Promise<void> {
      await db.updateTable('oauth_identities').set({ email }).where('id', '=', id).execute();
    },

    /**
     * Unlinks unless it is the account's last way to sign in (no password, no other identity). The
     * account's row is locked so two unlinks of its last two identities cannot both pass the check.
     */
    deleteIdentity(userId: string, provider: ProviderId): Promise<'deleted' | 'missing' | 'last'> {
      return db.transaction().execute(async (trx) => {
        const user = await trx
          .selectFrom('users')
          .select('password_hash')
          .where('id', '=', userId)
          .forUpdate()
          .executeTakeFirst();
        const identities = await trx
          .selectFrom('oauth_identities')
          .select(['id', 'provider'])
          .where('user_id', '=', userId)
          .execute();
        const target = identities.find((i) => i.provider === provider);
        if (!user || !target) return 'missing';
        if (!user.password_hash && identities.length === 1) return 'last';
        await trx.deleteFrom('oauth_identities').where('id', '=', target.id).execute();
        return 'deleted';
      });
    },

    /** A one-time exchange code (login_challenges, kind 'oauth_exchange'); expired codes go meanwhile. */
    async saveExchangeCode(
      c: { userId: string; tokenHash: string; method: ProviderId; expiresAt: Date },
      now: Date,
    ): Promise<void> {
      await db
        .deleteFrom('login_challenges')
        .where('kind', '=', 'oauth_exchange')
        .where('expires_at', '<=', now)
        .execute();
      await db
        .insertInto('login_challenges')
        .values({
          user_id: c.userId,
          kind: 'oauth_exchange',
          token_hash: c.tokenHash,
          meta: JSON.stringify({ method: c.method }),
          expires_at: c.expiresAt,
        })
        .execute();
    },

    /** Marks the code used and returns its account, once, while it is valid; undefined otherwise. */
    async takeExchangeCode(
      tokenHash: string,
      now: Date,
    ): Promise<{ userId: string; method: ProviderId } | undefined> {
      const row = await db
        .updateTable('login_challenges')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('kind', '=', 'oauth_exchange')
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning(['user_id', 'meta'])
        .executeTakeFirst();
      return row && { userId: row.user_id, method: row.meta.method as ProviderId };
    },
  };
}

export type OAuthRepository = ReturnType<typeof createOAuthRepository>;
