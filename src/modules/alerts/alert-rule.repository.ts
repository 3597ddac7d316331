import { sql, type Kysely, type Selectable } from 'kysely';
import type { AlertChannel, AlertCondition, AlertSeverity, DB } from '../../shared/db/index.ts';
import type { AlertRulesTable } from '../../shared/db/schema.ts';
import { decodeCursor, encodeCursor } from '../../shared/http/index.ts';

export type RuleRow = Selectable<AlertRulesTable>;

/** Who asks: admins see every rule, anyone else only their own. */
export interface Viewer {
  id: string;
  role: 'user' | 'admin';
}

/** A rule's columns as the service checked them. */
export interface RuleValues {
  name: string;
  description: string | null;
  metricName: string;
  condition: AlertCondition;
  threshold: number | null;
  severity: AlertSeverity;
  channels: AlertChannel[];
  cooldown: number;
  isActive: boolean;
  forCount: number;
  resolveCount: number;
  notifyOnResolve: boolean;
  repeatInterval: number | null;
  mutedUntil: Date | null;
  scopeKind: 'tests' | 'platform';
  testType: string | null;
  scheduleId: string | null;
  urlGlob: string | null;
  tags: string[];
  webhookId: string | null;
  emailRecipients: string[] | null;
}

const columns = (v: RuleValues) => ({
  name: v.name,
  description: v.description,
  metric_name: v.metricName,
  condition: v.condition,
  threshold: v.threshold,
  severity: v.severity,
  channels: JSON.stringify(v.channels),
  cooldown: v.cooldown,
  is_active: v.isActive,
  for_count: v.forCount,
  resolve_count: v.resolveCount,
  notify_on_resolve: v.notifyOnResolve,
  repeat_interval: v.repeatInterval,
  muted_until: v.mutedUntil,
  scope_kind: v.scopeKind,
  scope_test_type: v.testType,
  scope_schedule_id: v.scheduleId,
  scope_url_glob: v.urlGlob,
  scope_tags: v.tags,
  webhook_id: v.webhookId,
  email_recipients: v.emailRecipients,
});

type Row = RuleRow & { cursor_at: string };

/** Owner-scoped SQL on alert_rules: another user's rule is simply not found (admins see all). */
export function createAlertRuleRepository(db: Kysely<DB>) {
  const scoped = (viewer: Viewer, q: Kysely<DB> = db) =>
    q
      .selectFrom('alert_rules')
      .selectAll()
      .$if(viewer.role !== 'admin', (s) => s.where('created_by', '=', viewer.id));

  return {
    async create(trx: Kysely<DB>, userId: string, v: RuleValues): Promise<RuleRow> {
      return trx
        .insertInto('alert_rules')
        .values({ ...columns(v), created_by: userId })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Locks the user's rules count (their users row) so two creations cannot pass the limit together. */
    async countOwned(trx: Kysely<DB>, userId: string): Promise<number> {
      await sql`SELECT 1 FROM users WHERE id = ${userId} FOR UPDATE`.execute(trx);
      const row = await trx
        .selectFrom('alert_rules')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('created_by', '=', userId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    getById(viewer: Viewer, id: string, q: Kysely<DB> = db): Promise<RuleRow | undefined> {
      return scoped(viewer, q).where('id', '=', id).executeTakeFirst();
    },

    lock(trx: Kysely<DB>, viewer: Viewer, id: string): Promise<RuleRow | undefined> {
      return scoped(viewer, trx).where('id', '=', id).forUpdate().executeTakeFirst();
    },

    async update(trx: Kysely<DB>, id: string, v: RuleValues): Promise<RuleRow> {
      return trx
        .updateTable('alert_rules')
        .set({ ...columns(v), updated_at: sql`now()` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async delete(trx: Kysely<DB>, id: string): Promise<void> {
      await trx.deleteFrom('alert_rules').where('id', '=', id).execute();
    },

    async list(
      viewer: Viewer,
      limit: number,
      cursor?: string,
    ): Promise<{ items: RuleRow[]; nextCursor: string | null }> {
      const after = cursor ? decodeCursor(cursor) : undefined;
      const rows = (await scoped(viewer)
        .select(sql<string>`created_at::text`.as('cursor_at'))
        .$if(!!after, (q) =>
          q.where(sql<boolean>`(created_at, id) < (${after![0]}::timestamptz, ${after![1]}::uuid)`),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute()) as Row[];
      const more = rows.length > limit;
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return {
        items,
        nextCursor: more && last ? encodeCursor(last.cursor_at, last.id) : null,
      };
    },

    /** The active rules an owner's results are matched against (alert_rules_owner_type_idx). */
    activeOf(userId: string): Promise<RuleRow[]> {
      return db
        .selectFrom('alert_rules')
        .selectAll()
        .where('created_by', '=', userId)
        .where('is_active', '=', true)
        .where('scope_kind', '=', 'tests')
        .execute();
    },

    /** The active platform rules (alert_rules_platform_idx). */
    activePlatform(): Promise<RuleRow[]> {
      return db
        .selectFrom('alert_rules')
        .selectAll()
        .where('is_active', '=', true)
        .where('scope_kind', '=', 'platform')
        .execute();
    },
  };
}

export type AlertRuleRepository = ReturnType<typeof createAlertRuleRepository>;
