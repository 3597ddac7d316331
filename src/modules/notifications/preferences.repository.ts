import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { StoredCategories, StoredPreferences } from './preferences.ts';

export interface PreferencesPatch {
  emailEnabled?: boolean;
  pushEnabled?: boolean;
  categories?: StoredCategories;
}

export interface UserPreferencesRow extends StoredPreferences {
  user_id: string;
}

/** SQL on notification_preferences; a user reads and writes only their own row. */
export function createPreferencesRepository(db: Kysely<DB>) {
  return {
    async get(userId: string): Promise<StoredPreferences | undefined> {
      return db
        .selectFrom('notification_preferences')
        .select(['email_enabled', 'push_enabled', 'categories'])
        .where('user_id', '=', userId)
        .executeTakeFirst();
    },

    /** The rows of those of `userIds` that have one (a broadcast batch decides its channels from them). */
    async forUsers(userIds: string[]): Promise<UserPreferencesRow[]> {
      if (!userIds.length) return [];
      return db
        .selectFrom('notification_preferences')
        .select(['user_id', 'email_enabled', 'push_enabled', 'categories'])
        .where('user_id', 'in', userIds)
        .execute();
    },

    /**
     * One statement, so two concurrent updates of different switches both land: the master switches
     * keep their value unless given, and each given type's channels are merged into what was stored.
     */
    async update(userId: string, patch: PreferencesPatch): Promise<StoredPreferences> {
      const email = patch.emailEnabled ?? null;
      const push = patch.pushEnabled ?? null;
      const categories = JSON.stringify(patch.categories ?? {});
      const { rows } = await sql<StoredPreferences>`
        INSERT INTO notification_preferences AS np (user_id, email_enabled, push_enabled, categories)
        VALUES (${userId}, coalesce(${email}::boolean, true), coalesce(${push}::boolean, true), ${categories}::jsonb)
        ON CONFLICT (user_id) DO UPDATE SET
          email_enabled = coalesce(${email}::boolean, np.email_enabled),
          push_enabled = coalesce(${push}::boolean, np.push_enabled),
          categories = np.categories || coalesce(
            (SELECT jsonb_object_agg(p.key, coalesce(np.categories -> p.key, '{}'::jsonb) || p.value)
               FROM jsonb_each(${categories}::jsonb) AS p),
            '{}'::jsonb),
          updated_at = now()
        RETURNING email_enabled, push_enabled, categories`.execute(db);
      return rows[0]!;
    },
  };
}

export type PreferencesRepository = ReturnType<typeof createPreferencesRepository>;
