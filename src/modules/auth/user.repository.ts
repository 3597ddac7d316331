import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, UserLocale } from '../../shared/db/index.ts';
import type { UsersTable } from '../../shared/db/schema.ts';

export type UserRow = Selectable<UsersTable>;

// Serializes "is this the first account?" across processes so two first registrations cannot both be admin.
const FIRST_USER_LOCK = 7_301_002;

export function createUserRepository(db: Kysely<DB>) {
  return {
    getById(id: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    },

    findByEmail(email: string): Promise<UserRow | undefined> {
      return db
        .selectFrom('users')
        .selectAll()
        .where(sql<string>`lower(email)`, '=', email.toLowerCase())
        .executeTakeFirst();
    },

    /**
     * Inserts an account; the first account on an empty database becomes admin. Undefined if the e-mail is
     * taken. `passwordHash` null: an account that signs in through a provider (OAuth), whose `emailVerified`
     * address the provider vouched for; `andThen` runs in the same transaction (the OAuth identity).
     */
    create(
      input: { email: string; passwordHash: string | null; emailVerified?: boolean },
      andThen?: (trx: Kysely<DB>, user: UserRow) => Promise<void>,
    ): Promise<UserRow | undefined> {
      return db.transaction().execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(${FIRST_USER_LOCK})`.execute(trx);
        const any = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
        const user = await trx
          .insertInto('users')
          .values({
            email: input.email.toLowerCase(),
            password_hash: input.passwordHash,
            role: any ? 'user' : 'admin',
            ...(input.emailVerified && { email_verified_at: sql<Date>`now()` }),
          })
          .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (user && andThen) await andThen(trx, user);
        return user;
      });
    },

    /** Changes the given profile fields; undefined when the account is gone. */
    updateProfile(
      id: string,
      fields: { locale?: UserLocale; display_name?: string | null },
    ): Promise<UserRow | undefined> {
      return db
        .updateTable('users')
        .set({ ...fields, updated_at: sql`now()` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    async touchLogin(id: string): Promise<void> {
      await db
        .updateTable('users')
        .set({ last_login_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
