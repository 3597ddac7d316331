import { Type, type Static } from 'typebox';
import { Uuid } from '../../../shared/http/index.ts';

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const DeliveriesQuery = Type.Object(
  {
    alertId: Type.Optional(
      Type.String({ format: 'uuid', description: 'The alert (history entry) whose deliveries to list' }),
    ),
    ruleId: Type.Optional(
      Type.String({ format: 'uuid', description: "A rule's deliveries (its test sends have no alert)" }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type DeliveriesQuery = Static<typeof DeliveriesQuery>;

export const AttemptView = Type.Object({
  attempt: Type.Integer({ minimum: 1 }),
  startedAt: Timestamp,
  durationMs: Nullable(Type.Integer({ minimum: 0 })),
  statusCode: Nullable(Type.Integer({ description: "The receiver's HTTP status (webhooks)" })),
  error: Nullable(Type.String()),
  ok: Type.Boolean(),
});

export const DeliveryView = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Also the webhook-id header of every attempt' }),
  alertId: Nullable(Uuid),
  ruleId: Nullable(Uuid),
  userId: Uuid,
  channel: Type.Union([Type.Literal('email'), Type.Literal('webhook'), Type.Literal('in_app')]),
  event: Type.Union([
    Type.Literal('alert.triggered'),
    Type.Literal('alert.resolved'),
    Type.Literal('alert.reminder'),
    Type.Literal('alert.test'),
  ]),
  webhookId: Nullable(Uuid),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('sending'),
    Type.Literal('delivered'),
    Type.Literal('failed'),
    Type.Literal('skipped'),
  ]),
  attemptCount: Type.Integer({ minimum: 0 }),
  nextAttemptAt: Nullable(Timestamp),
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  createdAt: Timestamp,
  deliveredAt: Nullable(Timestamp),
  attempts: Type.Array(AttemptView, { description: 'Every attempt, oldest first' }),
});
export type DeliveryView = Static<typeof DeliveryView>;

export const DeliveryList = Type.Object({ items: Type.Array(DeliveryView) });

export const WebhookIdParams = Type.Object({ id: Uuid });

export const RotatedSecretView = Type.Object({
  id: Uuid,
  webhookSecret: Type.String({ description: 'whsec_…, shown this once' }),
  previousSecretExpiresAt: Type.String({
    format: 'date-time',
    description: 'Until then every delivery is signed with the previous secret too',
  }),
});
