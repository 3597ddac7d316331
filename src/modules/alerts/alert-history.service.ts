import { NotFoundError } from '../../shared/http/index.ts';
import type { AlertHistoryRepository, HistoryRow } from './alert-history.repository.ts';
import type { Viewer } from './alert-rule.repository.ts';
import type { AlertView, HistoryQuery } from './alerts.schemas.ts';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export function toAlertView(r: HistoryRow): AlertView {
  return {
    id: r.id,
    ruleId: r.rule_id,
    userId: r.user_id,
    title: r.title,
    description: r.description,
    severity: r.severity,
    state: r.state,
    metric: r.metric_data as Record<string, unknown>,
    seriesKey: r.series_key,
    platform: r.platform,
    triggeredAt: iso(r.triggered_at)!,
    resolvedAt: iso(r.resolved_at),
    resolvedValue: r.resolved_value,
    acknowledgedAt: iso(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
    remindersSent: r.reminders_sent,
  };
}

/** The alert history (owner-scoped; admins see all) and acknowledgement. */
export function createAlertHistoryService(deps: { history: AlertHistoryRepository; now: () => Date }) {
  const { history } = deps;
  return {
    async list(viewer: Viewer, q: HistoryQuery) {
      const page = await history.list(viewer, { ...q, limit: q.limit ?? 20 });
      return { items: page.items.map(toAlertView), nextCursor: page.nextCursor };
    },

    /** Records who acknowledged and when; a second call keeps the first acknowledgement and answers it. */
    async acknowledge(viewer: Viewer, id: string): Promise<AlertView> {
      const row = (await history.acknowledge(viewer, id, deps.now())) ?? (await history.getById(viewer, id));
      if (!row) throw new NotFoundError(`No alert ${id}`);
      return toAlertView(row);
    },
  };
}

export type AlertHistoryService = ReturnType<typeof createAlertHistoryService>;
