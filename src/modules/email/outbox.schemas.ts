import { Type, type Static } from 'typebox';
import { Uuid } from '../../shared/http/index.ts';

export const EmailStatusName = Type.Union([
  Type.Literal('pending'),
  Type.Literal('sending'),
  Type.Literal('sent'),
  Type.Literal('failed'),
]);

const Timestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const OutboxItem = Type.Object({
  id: Uuid,
  userId: Type.Union([Uuid, Type.Null()]),
  to: Type.String(),
  subject: Type.String(),
  template: Type.String(),
  locale: Type.String(),
  status: EmailStatusName,
  attempts: Type.Integer({ description: 'Delivery attempts started (since the last retry by an admin)' }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  messageId: Type.String({ description: 'The Message-ID header every attempt sends' }),
  createdAt: Type.String({ format: 'date-time' }),
  nextAttemptAt: Type.String({ format: 'date-time' }),
  sentAt: Timestamp,
});
export type OutboxItem = Static<typeof OutboxItem>;

export const OutboxMessage = Type.Object({
  ...OutboxItem.properties,
  text: Type.String({ description: 'The plain-text part' }),
  html: Type.String({ description: 'The HTML part' }),
});
export type OutboxMessage = Static<typeof OutboxMessage>;

export const ListOutboxQuery = Type.Object(
  {
    status: Type.Optional(EmailStatusName),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
);
export type ListOutboxQuery = Static<typeof ListOutboxQuery>;

export const OutboxList = Type.Object({
  items: Type.Array(OutboxItem),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const OutboxIdParams = Type.Object({ id: Uuid });
