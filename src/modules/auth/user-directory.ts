import type { Kysely } from 'kysely';
import type { DB, UserLocale } from '../../shared/db/index.ts';

/** Accounts as other modules may see them: an address and a language, and ids to fan out to. */
export function createUserDirectory(db: Kysely<DB>) {
  return {
    async contactOf(userId: string): Promise<{ email: string; locale: UserLocale } | null> {
      const row = await db
        .selectFrom('users')
        .select(['email', 'locale'])
        .where('id', '=', userId)
        .executeTakeFirst();
      return row ?? null;
    },
    /** contactOf, and whether the address is verified (alert e-mails go only to verified owners). */
    async verifiedContactOf(
      userId: string,
    ): Promise<{ email: string; locale: UserLocale; emailVerified: boolean } | null> {
      const row = await db
        .selectFrom('users')
        .select(['email', 'locale', 'email_verified_at'])
        .where('id', '=', userId)
        .executeTakeFirst();
      return row
        ? { email: row.email, locale: row.locale, emailVerified: row.email_verified_at !== null }
        : null;
    },
    async exists(userId: string): Promise<boolean> {
      const row = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
      return row !== undefined;
    },
    async pageUserIds(afterId: string | null, limit: number): Promise<string[]> {
      let query = db.selectFrom('users').select('id').orderBy('id').limit(limit);
      if (afterId) query = query.where('id', '>', afterId);
      return (await query.execute()).map((r) => r.id);
    },
  };
}
