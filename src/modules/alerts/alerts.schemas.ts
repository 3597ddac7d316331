import { Type, type Static } from 'typebox';
import { Uuid } from '../../shared/http/index.ts';

export const CONDITIONS = ['gt', 'lt', 'eq', 'gte', 'lte', 'neq', 'absent'] as const;
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const CHANNELS = ['email', 'webhook', 'in_app'] as const;
const L = Type.Literal;
const Condition = Type.Union([L('gt'), L('lt'), L('eq'), L('gte'), L('lte'), L('neq'), L('absent')]);
const Severity = Type.Union([L('low'), L('medium'), L('high'), L('critical')]);
const Channel = Type.Union([L('email'), L('webhook'), L('in_app')]);
const ScopeKind = Type.Union([L('tests'), L('platform')]);
const AlertState = Type.Union([L('firing'), L('resolved')]);
/** The bounds of a rule (docs/ALERTING.md, Limits). */
export const LIMITS = {
  nameLength: 200,
  descriptionLength: 2000,
  urlGlobLength: 500,
  tags: 20,
  emailRecipients: 20,
  maxSeconds: 30 * 86_400,
} as const;

const Tag = Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_.:-]+$' });
const Seconds = (description: string, minimum = 0) =>
  Type.Integer({ minimum, maximum: LIMITS.maxSeconds, description });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const RuleScope = Type.Object(
  {
    kind: ScopeKind,
    testType: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
    scheduleId: Type.Optional(Nullable(Uuid)),
    urlGlob: Type.Optional(
      Nullable(
        Type.String({
          minLength: 1,
          maxLength: LIMITS.urlGlobLength,
          description: 'picomatch glob over the test URL, e.g. https://shop.example/**',
        }),
      ),
    ),
    tags: Type.Optional(Type.Array(Tag, { maxItems: LIMITS.tags, uniqueItems: true })),
  },
  {
    additionalProperties: false,
    description:
      "Which results the rule watches: the owner's tests (narrowed by each field given) or, for admins, platform samples",
  },
);
export type RuleScope = Static<typeof RuleScope>;

const ruleFields = {
  name: Type.String({ minLength: 1, maxLength: LIMITS.nameLength }),
  description: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.descriptionLength }))),
  metricName: Type.String({
    minLength: 1,
    maxLength: 100,
    description:
      "A metric of the scope's engine (docs/ENGINES.md), <metric>_baseline|_delta_pct|_zscore, passed, duration_ms, or a platform sample name",
  }),
  condition: Condition,
  threshold: Type.Optional(Nullable(Type.Number({ description: 'Required except for absent' }))),
  severity: Type.Optional(Severity),
  channels: Type.Optional(Type.Array(Channel, { minItems: 1, maxItems: 3, uniqueItems: true })),
  cooldown: Type.Optional(
    Seconds(
      'Seconds after a firing notice in which a new firing of the series is not notified (default 300)',
    ),
  ),
  isActive: Type.Optional(Type.Boolean()),
  forCount: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 1000,
      description: 'Consecutive breaches before firing (default 1)',
    }),
  ),
  resolveCount: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 1000,
      description: 'Consecutive healthy results before resolving (default 1)',
    }),
  ),
  notifyOnResolve: Type.Optional(Type.Boolean()),
  repeatInterval: Type.Optional(Nullable(Seconds('Seconds between reminders while firing (null: none)', 1))),
  mutedUntil: Type.Optional(
    Nullable(
      Type.String({
        format: 'date-time',
        description: 'Notices are suppressed until then; state is still tracked',
      }),
    ),
  ),
  scope: Type.Optional(RuleScope),
  webhookUrl: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 2048 }))),
  emailRecipients: Type.Optional(
    Nullable(
      Type.Array(Type.String({ format: 'email', maxLength: 254 }), {
        minItems: 1,
        maxItems: LIMITS.emailRecipients,
        uniqueItems: true,
      }),
    ),
  ),
};

export const CreateRuleBody = Type.Object(ruleFields, { additionalProperties: false });
export type CreateRuleBody = Static<typeof CreateRuleBody>;

/** PUT changes the fields it carries; the rule is then checked whole, as on creation. */
export const UpdateRuleBody = Type.Partial(CreateRuleBody, { additionalProperties: false });
export type UpdateRuleBody = Static<typeof UpdateRuleBody>;

export const RuleView = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Nullable(Type.String()),
  metricName: Type.String(),
  condition: Condition,
  threshold: Nullable(Type.Number()),
  severity: Severity,
  channels: Type.Array(Channel),
  cooldown: Type.Integer(),
  isActive: Type.Boolean(),
  forCount: Type.Integer(),
  resolveCount: Type.Integer(),
  notifyOnResolve: Type.Boolean(),
  repeatInterval: Nullable(Type.Integer()),
  mutedUntil: Nullable(Type.String({ format: 'date-time' })),
  scope: Type.Object({
    kind: ScopeKind,
    testType: Nullable(Type.String()),
    scheduleId: Nullable(Uuid),
    urlGlob: Nullable(Type.String()),
    tags: Type.Array(Type.String()),
  }),
  webhookUrl: Nullable(Type.String()),
  webhook: Nullable(
    Type.Object({
      id: Uuid,
      url: Type.String(),
      disabledAt: Nullable(Type.String()),
      disabledReason: Nullable(Type.String()),
    }),
  ),
  emailRecipients: Nullable(Type.Array(Type.String())),
  createdBy: Uuid,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  webhookSecret: Type.Optional(
    Type.String({
      description:
        "The webhook endpoint's whsec_ signing secret: only in the answer that created the endpoint",
    }),
  ),
});
export type RuleView = Static<typeof RuleView>;

export const RuleIdParams = Type.Object({ id: Uuid });
export const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;
export const RuleList = Type.Object({ items: Type.Array(RuleView), nextCursor: Nullable(Type.String()) });

export const TestSendAccepted = Type.Object({
  event: Type.Literal('alert.test'),
  channels: Type.Array(Channel),
  alert: Type.Record(Type.String(), Type.Unknown()),
});

export const HistoryQuery = Type.Object(
  {
    ruleId: Type.Optional(Uuid),
    state: Type.Optional(AlertState),
    severity: Type.Optional(Severity),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Triggered at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Triggered before' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HistoryQuery>;

export const AlertView = Type.Object({
  id: Uuid,
  ruleId: Nullable(Uuid),
  userId: Uuid,
  title: Type.String(),
  description: Nullable(Type.String()),
  severity: Severity,
  state: AlertState,
  metric: Type.Record(Type.String(), Type.Unknown(), {
    description: '{ name, value, condition, threshold, testId, scheduleId, url, instanceId } at the firing',
  }),
  seriesKey: Type.String(),
  platform: Type.Boolean(),
  triggeredAt: Type.String({ format: 'date-time' }),
  resolvedAt: Nullable(Type.String({ format: 'date-time' })),
  resolvedValue: Nullable(Type.Number()),
  acknowledgedAt: Nullable(Type.String({ format: 'date-time' })),
  acknowledgedBy: Nullable(Uuid),
  remindersSent: Type.Integer(),
});
export type AlertView = Static<typeof AlertView>;
export const AlertList = Type.Object({ items: Type.Array(AlertView), nextCursor: Nullable(Type.String()) });
export const AlertIdParams = Type.Object({ id: Uuid });
