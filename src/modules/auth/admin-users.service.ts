import type { Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import { NotFoundError } from '../../shared/http/index.ts';
import { LastAdminError } from './account/account-errors.ts';
import type { AdminUserRepository, UserListFilter } from './admin-users.repository.ts';
import type { RevocationReason, SessionControl } from './sessions.service.ts';
import type { UserRow } from './user.repository.ts';

export interface AdminUserView {
  id: string;
  email: string;
  role: 'user' | 'admin';
  createdAt: string;
  lastLoginAt: string | null;
  emailVerified: boolean;
  mfaEnabled: boolean;
  disabled: boolean;
  disabledAt: string | null;
}

export interface UserChange {
  role?: 'user' | 'admin';
  disabled?: boolean;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function toView(u: UserRow): AdminUserView {
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    createdAt: iso(u.created_at)!,
    lastLoginAt: iso(u.last_login_at),
    emailVerified: u.email_verified_at !== null,
    mfaEnabled: u.mfa_enabled,
    disabled: u.disabled_at !== null,
    disabledAt: iso(u.disabled_at),
  };
}

/** Why a change signs the user out everywhere: a disabled account, or a role its tokens no longer carry. */
function revocationFor(before: UserRow, change: UserChange): RevocationReason | null {
  if (change.disabled === true && !before.disabled_at) return 'disabled';
  if (change.role !== undefined && change.role !== before.role) return 'role-changed';
  return null;
}

/** GET /api/admin/users, PATCH /api/admin/users/:id (docs/AUTH.md). */
export function createAdminUsersService(d: {
  db: Kysely<DB>;
  users: AdminUserRepository;
  control: SessionControl;
}) {
  return {
    async list(f: UserListFilter): Promise<{ items: AdminUserView[]; nextCursor: string | null }> {
      const page = await d.users.list(f);
      return { items: page.items.map(toView), nextCursor: page.nextCursor };
    },

    /**
     * Changes the role or the disabled state. Disabling or changing the role revokes every session of the
     * user (their access tokens stop working at once; a role change makes them sign in again so no token
     * carries the old role). The last active admin cannot be demoted or disabled (409 ERR_LAST_ADMIN).
     */
    async update(id: string, change: UserChange): Promise<AdminUserView> {
      const { user, reason, sessionIds } = await d.db.transaction().execute(async (trx) => {
        const before = await d.users.lockForChange(trx, id);
        if (!before) throw new NotFoundError(`No user ${id}`);
        const activeAdmin = before.role === 'admin' && !before.disabled_at;
        const losesAdmin = change.role === 'user' || change.disabled === true;
        if (activeAdmin && losesAdmin && (await d.users.countActiveAdmins(trx)) <= 1)
          throw new LastAdminError();
        const user = await d.users.update(trx, id, change);
        const reason = revocationFor(before, change);
        const revoked = reason ? await d.control.revokeIn(trx, id, { kind: 'all' }, reason) : null;
        return { user, reason, sessionIds: revoked?.sessionIds ?? [] };
      });
      if (reason) await d.control.announce(id, sessionIds, reason);
      return toView(user);
    },
  };
}

export type AdminUsersService = ReturnType<typeof createAdminUsersService>;
