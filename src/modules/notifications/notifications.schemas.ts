import { Type, type Static, type TSchema } from 'typebox';
import { Uuid } from '../../shared/http/index.ts';
import { NOTIFICATION_TYPES, type NotificationType } from './preferences.ts';

export const NotificationTypeName = Type.Union([
  Type.Literal('test_completed'),
  Type.Literal('test_failed'),
  Type.Literal('alert_triggered'),
  Type.Literal('system_update'),
  Type.Literal('quota_warning'),
]);

const Timestamp = Type.String({ format: 'date-time' });

/** The NotificationPayload of src/shared/events/events.ts: what the list serves and realtime pushes. */
export const NotificationView = Type.Object({
  id: Uuid,
  type: Type.String({ description: NOTIFICATION_TYPES.join(', ') }),
  title: Type.String(),
  content: Type.Union([Type.String(), Type.Null()]),
  data: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  actionUrl: Type.Union([Type.String(), Type.Null()]),
  read: Type.Boolean(),
  createdAt: Timestamp,
  readAt: Type.Union([Timestamp, Type.Null()]),
});

export const ListNotificationsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
    unread: Type.Optional(Type.Boolean({ description: 'true: only unread notifications' })),
    type: Type.Optional(NotificationTypeName),
  },
  { additionalProperties: false },
);
export type ListNotificationsQuery = Static<typeof ListNotificationsQuery>;

export const NotificationList = Type.Object({
  items: Type.Array(NotificationView),
  nextCursor: Type.Optional(Type.String({ description: 'Absent on the last page' })),
});

export const UnreadCount = Type.Object({ count: Type.Integer({ minimum: 0 }) });
export const Updated = Type.Object({ updated: Type.Integer({ minimum: 0 }) });

export const NotificationIdParams = Type.Object({ id: Uuid });

export const MarkReadBody = Type.Object(
  { ids: Type.Array(Uuid, { minItems: 1, maxItems: 100, description: 'Your notifications to mark read' }) },
  { additionalProperties: false },
);
export type MarkReadBody = Static<typeof MarkReadBody>;

const Switches = Type.Object(
  { in_app: Type.Boolean(), email: Type.Boolean() },
  { additionalProperties: false },
);
const SwitchesPatch = Type.Object(
  { in_app: Type.Optional(Type.Boolean()), email: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

/** One entry per type (the `satisfies` keeps it in step with NOTIFICATION_TYPES). */
function byType<T extends TSchema>(schema: T) {
  return {
    test_completed: schema,
    test_failed: schema,
    alert_triggered: schema,
    system_update: schema,
    quota_warning: schema,
  } satisfies Record<NotificationType, T>;
}

export const PreferencesView = Type.Object({
  emailEnabled: Type.Boolean({ description: 'Master switch of the e-mail channel' }),
  pushEnabled: Type.Boolean({ description: 'Master switch of the in-app channel' }),
  categories: Type.Object(byType(Switches), { additionalProperties: false }),
});

export const PreferencesPatchBody = Type.Object(
  {
    emailEnabled: Type.Optional(Type.Boolean()),
    pushEnabled: Type.Optional(Type.Boolean()),
    categories: Type.Optional(
      Type.Object(byType(Type.Optional(SwitchesPatch)), {
        additionalProperties: false,
        description: '{ <type>: { in_app?, email? } }; types and channels left out keep their value',
      }),
    ),
  },
  { additionalProperties: false },
);
export type PreferencesPatchBody = Static<typeof PreferencesPatchBody>;

export const BroadcastBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 255 }),
    content: Type.Optional(Type.String({ maxLength: 5000 })),
    actionUrl: Type.Optional(
      Type.String({
        maxLength: 2048,
        pattern: '^(/[^/\\\\]|/$|https?://)',
        description: 'A path of this site (/…) or an http(s) URL',
      }),
    ),
  },
  { additionalProperties: false },
);
export type BroadcastBody = Static<typeof BroadcastBody>;

export const BroadcastStatusName = Type.Union([
  Type.Literal('pending'),
  Type.Literal('running'),
  Type.Literal('completed'),
  Type.Literal('failed'),
]);

export const BroadcastAccepted = Type.Object({ broadcastId: Uuid, status: BroadcastStatusName });

export const BroadcastView = Type.Object({
  broadcastId: Uuid,
  status: BroadcastStatusName,
  title: Type.String(),
  delivered: Type.Integer({ description: 'Users it reached so far (in-app or e-mail)' }),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  startedAt: Type.Union([Timestamp, Type.Null()]),
  completedAt: Type.Union([Timestamp, Type.Null()]),
});
export type BroadcastView = Static<typeof BroadcastView>;

export const BroadcastIdParams = Type.Object({ id: Uuid });
