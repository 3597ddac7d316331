import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import { decodeCursor, encodeCursor } from '../../shared/http/index.ts';
import type { UserRow } from './user.repository.ts';

// Serializes role and disable changes, so two admins demoting each other cannot leave no admin.
const ADMIN_CHANGE_LOCK = 7_301_014;

export interface UserListFilter {
  limit: number;
  cursor?: string;
  /** Part of the e-mail address, case-insensitive. */
  q?: string;
}

const likeEscaped = (s: string) => s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);

/** The accounts as admins manage them (GET/PATCH /api/admin/users). */
export function createAdminUserRepository(db: Kysely<DB>) {
  return {
    async list(f: UserListFilter): Promise<{ items: UserRow[]; nextCursor: string | null }> {
      const after = f.cursor ? decodeCursor(f.cursor) : undefined;
      const rows = (await db
        .selectFrom('users')
        .selectAll()
        .select(sql<string>`created_at::text`.as('cursor_at'))
        .$if(!!f.q, (q) => q.where(sql<boolean>`lower(email) LIKE ${`%${likeEscaped(f.q!)}%`} ESCAPE '\\'`))
        .$if(!!after, (q) =>
          q.where(sql<boolean>`(created_at, id) < (${after![0]}::timestamptz, ${after![1]}::uuid)`),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(f.limit + 1)
        .execute()) as (UserRow & { cursor_at: string })[];
      const more = rows.length > f.limit;
      const items = more ? rows.slice(0, f.limit) : rows;
      const last = items.at(-1);
      return {
        items: items.map(({ cursor_at: _, ...u }) => u),
        nextCursor: more && last ? encodeCursor(last.cursor_at, last.id) : null,
      };
    },

    /** In `trx`: takes the admin-change lock and the target's row (undefined: no such user). */
    async lockForChange(trx: Kysely<DB>, id: string): Promise<UserRow | undefined> {
      await sql`SELECT pg_advisory_xact_lock(${ADMIN_CHANGE_LOCK})`.execute(trx);
      return trx.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    },

    async countActiveAdmins(trx: Kysely<DB>): Promise<number> {
      const row = await trx
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('role', '=', 'admin')
        .where('disabled_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    update(
      trx: Kysely<DB>,
      id: string,
      change: { role?: 'user' | 'admin'; disabled?: boolean },
    ): Promise<UserRow> {
      return trx
        .updateTable('users')
        .set({
          ...(change.role !== undefined && { role: change.role }),
          ...(change.disabled !== undefined && {
            disabled_at: change.disabled ? sql`coalesce(disabled_at, now())` : null,
          }),
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}

export type AdminUserRepository = ReturnType<typeof createAdminUserRepository>;
