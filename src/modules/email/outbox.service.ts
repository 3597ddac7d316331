import { ConflictError, NotFoundError } from '../../shared/http/index.ts';
import type { OutboxRepository, OutboxRow } from './outbox.repository.ts';
import { redactLinkTokens, SECRET_LINK_TEMPLATES } from './templates/account.template.ts';
import type { ListOutboxQuery, OutboxItem, OutboxMessage } from './outbox.schemas.ts';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

function toItem(r: OutboxRow): OutboxItem {
  return {
    id: r.id,
    userId: r.user_id,
    to: r.recipient,
    subject: r.subject,
    template: r.template,
    locale: r.locale,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    messageId: r.message_id,
    createdAt: iso(r.created_at)!,
    nextAttemptAt: iso(r.next_attempt_at)!,
    sentAt: iso(r.sent_at),
  };
}

/** The admin's view of the outbox: list, read one message, send a failed one again. */
export function createOutboxAdminService(repo: OutboxRepository, onRequeued: () => void) {
  return {
    async list(q: ListOutboxQuery): Promise<{ items: OutboxItem[]; nextCursor: string | null }> {
      const page = await repo.list({ status: q.status, limit: q.limit ?? 20, cursor: q.cursor });
      return { items: page.items.map(toItem), nextCursor: page.nextCursor };
    },

    async get(id: string): Promise<OutboxMessage> {
      const row = await repo.get(id);
      if (!row) throw new NotFoundError('no such message in the outbox');
      // A verification or reset link is the recipient's secret: an admin reading the outbox sees it without its token.
      const hide = SECRET_LINK_TEMPLATES.has(row.template) ? redactLinkTokens : (body: string) => body;
      return { ...toItem(row), text: hide(row.body_text), html: hide(row.body_html) };
    },

    /** A failed message queued again (attempts from 0): a deliberate resend, also of an interrupted one. */
    async retry(id: string): Promise<OutboxItem> {
      const row = await repo.requeueFailed(id);
      if (row) {
        onRequeued();
        return toItem(row);
      }
      const current = await repo.get(id);
      if (!current) throw new NotFoundError('no such message in the outbox');
      throw new ConflictError(
        `only a failed message can be retried; this one is ${current.status}`,
        'ERR_NOT_FAILED',
      );
    },
  };
}

export type OutboxAdminService = ReturnType<typeof createOutboxAdminService>;
