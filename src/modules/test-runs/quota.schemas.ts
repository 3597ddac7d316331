import { Type, type Static } from 'typebox';
import { Uuid } from '../../shared/http/index.ts';

const ResetsAt = Type.String({
  format: 'date-time',
  description: 'When the count starts again: the next 00:00 UTC',
});
const Used = Type.Integer({
  minimum: 0,
  description: 'Tests created today (UTC), whatever became of them: cancelled and failed ones count too',
});

export const OwnQuotaView = Type.Object({
  quota: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
    description: 'Tests you may submit per UTC day; null = unlimited',
  }),
  used: Used,
  remaining: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'null = unlimited' }),
  resetsAt: ResetsAt,
});
export type OwnQuotaView = Static<typeof OwnQuotaView>;

export const AdminQuotaView = Type.Object({
  userId: Uuid,
  dailyTestQuota: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description: "This user's override (0 = unlimited); null = none, USER_DAILY_TEST_QUOTA applies",
  }),
  effectiveQuota: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
    description: 'The quota in force; null = unlimited',
  }),
  used: Used,
  resetsAt: ResetsAt,
});
export type AdminQuotaView = Static<typeof AdminQuotaView>;

export const UserIdParams = Type.Object({ userId: Uuid });

export const SetQuotaBody = Type.Object(
  {
    dailyTestQuota: Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Type.Null()], {
      description: 'Tests per UTC day for this user (0 = unlimited); null = back to USER_DAILY_TEST_QUOTA',
    }),
  },
  { additionalProperties: false },
);
export type SetQuotaBody = Static<typeof SetQuotaBody>;
