import { NotFoundError, type AuthUser } from '../../../shared/http/index.ts';
import type { DeliveryRepository } from './delivery.repository.ts';
import type { DeliveriesQuery, DeliveryView } from './delivery.schemas.ts';
import type { WebhookEndpointStore } from './webhook-endpoints.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Who the caller may see: their own, or (admins) everyone's. */
const scopeOf = (user: AuthUser) => (user.role === 'admin' ? null : user.id);

export interface DeliveryServiceDeps {
  repo: DeliveryRepository;
  endpoints: WebhookEndpointStore;
  now: () => Date;
  rotationGraceMs: number;
}

export function createDeliveryService({ repo, endpoints, now, rotationGraceMs }: DeliveryServiceDeps) {
  return {
    async list(user: AuthUser, q: DeliveriesQuery): Promise<{ items: DeliveryView[] }> {
      const scope = scopeOf(user);
      if (q.alertId && !(await repo.alertVisible(scope, q.alertId))) throw new NotFoundError('No such alert');
      const rows = await repo.list(scope, { alertId: q.alertId, ruleId: q.ruleId, limit: q.limit ?? 50 });
      return {
        items: rows.map((r) => ({
          id: r.id,
          alertId: r.alert_id,
          ruleId: r.rule_id,
          userId: r.user_id,
          channel: r.channel,
          event: r.event,
          webhookId: r.webhook_id,
          status: r.status,
          attemptCount: r.attempts,
          nextAttemptAt: r.status === 'pending' || r.status === 'sending' ? iso(r.next_attempt_at) : null,
          lastStatusCode: r.last_status_code,
          lastError: r.last_error,
          createdAt: iso(r.created_at)!,
          deliveredAt: iso(r.delivered_at),
          attempts: r.log.map((a) => ({
            attempt: a.attempt,
            startedAt: iso(a.started_at)!,
            durationMs: a.duration_ms,
            statusCode: a.status_code,
            error: a.error,
            ok: a.ok,
          })),
        })),
      };
    },

    rotate: (user: AuthUser, id: string) => endpoints.rotate(scopeOf(user), id, now(), rotationGraceMs),
  };
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;
