import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { RuleRow } from './alert-rule.repository.ts';
import type { SeriesState } from './state-machine.ts';

export type StateRow = SeriesState & { rule_id: string; series_key: string };

const ts = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

/** SQL on alert_states and alert_history for the evaluator and the reminder ticker. */
export function createAlertStateRepository(db: Kysely<DB>) {
  return {
    /** The series of an owner's active test rules (null: of the platform rules) that are not ok. */
    hotOf(userId: string | null): Promise<Array<{ rule_id: string; series_key: string }>> {
      return db
        .selectFrom('alert_states as s')
        .innerJoin('alert_rules as r', 'r.id', 's.rule_id')
        .select(['s.rule_id', 's.series_key'])
        .where('s.state', '<>', 'ok')
        .where('r.is_active', '=', true)
        .$if(userId !== null, (q) =>
          q.where('r.created_by', '=', userId!).where('r.scope_kind', '=', 'tests'),
        )
        .$if(userId === null, (q) => q.where('r.scope_kind', '=', 'platform'))
        .execute();
    },

    /**
     * Locks the series of these rules (creating the missing rows, for rules still active), in rule id
     * order so two evaluations lock in the same order; returns the rows with the rules as they are now.
     */
    async lock(
      trx: Kysely<DB>,
      ruleIds: string[],
      seriesKey: string,
    ): Promise<Array<{ state: StateRow; rule: RuleRow }>> {
      await sql`
        INSERT INTO alert_states (rule_id, series_key)
        SELECT id, ${seriesKey} FROM alert_rules WHERE id = ANY(${ruleIds}::uuid[]) AND is_active
        ON CONFLICT DO NOTHING`.execute(trx);
      const states = (await trx
        .selectFrom('alert_states')
        .selectAll()
        .where('series_key', '=', seriesKey)
        .where('rule_id', 'in', ruleIds)
        .orderBy('rule_id')
        .forUpdate()
        .execute()) as StateRow[];
      if (!states.length) return [];
      const rules = await trx
        .selectFrom('alert_rules')
        .selectAll()
        .where(
          'id',
          'in',
          states.map((s) => s.rule_id),
        )
        .where('is_active', '=', true)
        .execute();
      const byId = new Map(rules.map((r) => [r.id, r]));
      return states.flatMap((state) => {
        const rule = byId.get(state.rule_id);
        return rule ? [{ state, rule }] : [];
      });
    },

    async save(trx: Kysely<DB>, s: StateRow): Promise<void> {
      await trx
        .updateTable('alert_states')
        .set({
          state: s.state,
          breaching_count: s.breaching_count,
          healthy_count: s.healthy_count,
          last_value: s.last_value,
          last_event_id: s.last_event_id,
          last_evaluated_at: ts(s.last_evaluated_at) as unknown as Date,
          alert_id: s.alert_id,
          last_fired_at: ts(s.last_fired_at) as unknown as Date,
          last_notified_at: ts(s.last_notified_at) as unknown as Date,
          next_reminder_at: ts(s.next_reminder_at) as unknown as Date,
        })
        .where('rule_id', '=', s.rule_id)
        .where('series_key', '=', s.series_key)
        .execute();
    },

    async openEpisode(
      trx: Kysely<DB>,
      e: { rule: RuleRow; title: string; seriesKey: string; metric: Record<string, unknown>; at: Date },
    ): Promise<{ id: string; triggered_at: Date }> {
      return trx
        .insertInto('alert_history')
        .values({
          rule_id: e.rule.id,
          user_id: e.rule.created_by,
          title: e.title,
          description: e.rule.description,
          severity: e.rule.severity,
          metric_data: JSON.stringify(e.metric),
          series_key: e.seriesKey,
          platform: e.rule.scope_kind === 'platform',
          triggered_at: e.at,
        })
        .returning(['id', 'triggered_at'])
        .executeTakeFirstOrThrow();
    },

    async closeEpisode(trx: Kysely<DB>, id: string, value: number | null, at: Date) {
      return trx
        .updateTable('alert_history')
        .set({ state: 'resolved', resolved_at: at, resolved_value: value })
        .where('id', '=', id)
        .where('state', '=', 'firing')
        .returning(['id', 'triggered_at', 'metric_data'])
        .executeTakeFirst();
    },

    /** Firing series whose reminder is due, locked (SKIP LOCKED: each is claimed by one process). */
    async lockDueReminders(trx: Kysely<DB>, now: Date, limit: number): Promise<StateRow[]> {
      return (await trx
        .selectFrom('alert_states')
        .selectAll()
        .where('next_reminder_at', '<=', now)
        .orderBy('next_reminder_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute()) as StateRow[];
    },

    rulesByIds(trx: Kysely<DB>, ids: string[]): Promise<RuleRow[]> {
      return ids.length
        ? trx.selectFrom('alert_rules').selectAll().where('id', 'in', ids).execute()
        : Promise.resolve([]);
    },

    episodes(trx: Kysely<DB>, ids: string[]) {
      return ids.length
        ? trx
            .selectFrom('alert_history')
            .select(['id', 'triggered_at', 'metric_data', 'state'])
            .where('id', 'in', ids)
            .execute()
        : Promise.resolve([]);
    },

    async setReminder(trx: Kysely<DB>, s: StateRow, at: Date | null): Promise<void> {
      await trx
        .updateTable('alert_states')
        .set({ next_reminder_at: at })
        .where('rule_id', '=', s.rule_id)
        .where('series_key', '=', s.series_key)
        .execute();
    },

    async countReminder(trx: Kysely<DB>, alertId: string): Promise<void> {
      await trx
        .updateTable('alert_history')
        .set({ reminders_sent: sql`reminders_sent + 1` })
        .where('id', '=', alertId)
        .execute();
    },

    /**
     * A rule starts afresh (deactivated, or what it measures changed): its open episodes resolve without
     * a notice and its series are forgotten.
     */
    async reset(trx: Kysely<DB>, ruleId: string, at: Date): Promise<void> {
      await trx
        .updateTable('alert_history')
        .set({ state: 'resolved', resolved_at: at })
        .where('rule_id', '=', ruleId)
        .where('state', '=', 'firing')
        .execute();
      await trx.deleteFrom('alert_states').where('rule_id', '=', ruleId).execute();
    },
  };
}

export type AlertStateRepository = ReturnType<typeof createAlertStateRepository>;
