import type { Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { EventBus } from '../../shared/events/index.ts';
import { AppError, NotFoundError } from '../../shared/http/index.ts';
import type { QuotaDay, QuotaRepository } from './quota.repository.ts';
import type { AdminQuotaView, OwnQuotaView } from './quota.schemas.ts';
import type { NewTest, TestRepository, TestRow } from './test.repository.ts';

const DAY_MS = 86_400_000;
/** The share of the quota at which the day's one warning is given. */
const WARN_AT = 0.8;

/**
 * The daily quota is used up. A 429 like TooManyRequestsError, with a code of its own so that clients can
 * tell "wait until tomorrow" from "slow down" (TooManyRequestsError's code is fixed).
 */
export class QuotaExceededError extends AppError {
  readonly status = 429;
  readonly code = 'ERR_QUOTA_EXCEEDED';
  readonly title = 'Too Many Requests';
  constructor(quota: number, resetsAt: Date, now: Date) {
    super(
      `Your daily test quota of ${quota} test${quota === 1 ? '' : 's'} is reached; it resets at ${resetsAt.toISOString()} (00:00 UTC)`,
    );
    this.headers['retry-after'] = String(Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000)));
  }
}

/** Who has accounts (the auth module's user directory). */
export interface AccountLookup {
  exists(userId: string): Promise<boolean>;
}

export interface QuotaServiceDeps {
  db: Kysely<DB>;
  quotas: QuotaRepository;
  tests: Pick<TestRepository, 'createWithinLimit'>;
  events: EventBus;
  users: AccountLookup;
  /** USER_DAILY_TEST_QUOTA: tests per user per UTC day when no override is set; 0 = unlimited. */
  defaultQuota: number;
  /** The clock that decides the day (tests inject one). */
  now?: () => Date;
}

export function quotaDay(now: Date): QuotaDay {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return { day: start.toISOString().slice(0, 10), start, end: new Date(start.getTime() + DAY_MS) };
}

type Counted = { row: TestRow | undefined; warning?: { used: number; quota: number } };

/** The per-user daily test quota: counted submission, the 80 % warning, and the quota views. */
export function createQuotaService(deps: QuotaServiceDeps) {
  const { db, quotas, tests, events } = deps;
  const clock = deps.now ?? (() => new Date());
  /** The quota in force (null = unlimited): the override if set, else the default; 0 means unlimited. */
  const effective = (override: number | null): number | null => {
    const quota = override ?? deps.defaultQuota;
    return quota > 0 ? quota : null;
  };

  /** Lock the user's quota row, count today's tests, insert, mark the warning: one transaction. */
  async function insertCounted(t: NewTest, activeLimit: number): Promise<TestRow | undefined> {
    const now = clock();
    const day = quotaDay(now);
    const out = await db.transaction().execute(async (trx): Promise<Counted> => {
      const quota = effective(await quotas.lock(trx, t.userId));
      const test = { ...t, createdAt: now };
      if (quota === null) return { row: await tests.createWithinLimit(test, activeLimit, { trx }) };
      const used = await quotas.countCreated(t.userId, day, trx);
      if (used >= quota) throw new QuotaExceededError(quota, day.end, now);
      const row = await tests.createWithinLimit(test, activeLimit, { trx });
      const warn = row && used + 1 >= Math.ceil(WARN_AT * quota);
      if (!warn || !(await quotas.markWarned(trx, t.userId, day.day))) return { row };
      return { row, warning: { used: used + 1, quota } };
    });
    if (out.warning)
      void events.publish('QuotaWarning', {
        userId: t.userId,
        ...out.warning,
        resetsAt: day.end.toISOString(),
      });
    return out.row;
  }

  async function usage(userId: string, override: number | null) {
    const day = quotaDay(clock());
    const used = await quotas.countCreated(userId, day);
    return { quota: effective(override), used, resetsAt: day.end.toISOString() };
  }

  async function adminView(userId: string): Promise<AdminQuotaView> {
    const override = await quotas.getOverride(userId);
    const { quota, used, resetsAt } = await usage(userId, override);
    return { userId, dailyTestQuota: override, effectiveQuota: quota, used, resetsAt };
  }

  async function ensureAccount(userId: string): Promise<void> {
    if (!(await deps.users.exists(userId))) throw new NotFoundError(`No user ${userId}`);
  }

  return {
    /**
     * Inserts a submitted test within the user's quota and active-tests limit: the row, or undefined
     * when the active-tests limit refused it; throws QuotaExceededError at the quota. Without a default
     * quota this is the plain INSERT (which also checks for an override); the counted path runs only
     * when a quota may apply.
     */
    async insert(t: NewTest, activeLimit: number): Promise<TestRow | undefined> {
      if (deps.defaultQuota === 0) {
        const row = await tests.createWithinLimit(t, activeLimit, { unlessQuotaOverride: true });
        // Refused: the active-tests limit, or an override the counted path must apply.
        if (row || !((await quotas.getOverride(t.userId)) ?? 0)) return row;
      }
      return insertCounted(t, activeLimit);
    },

    /** GET /api/tests/quota. */
    async own(userId: string): Promise<OwnQuotaView> {
      const { quota, used, resetsAt } = await usage(userId, await quotas.getOverride(userId));
      return { quota, used, remaining: quota === null ? null : Math.max(0, quota - used), resetsAt };
    },

    async get(userId: string): Promise<AdminQuotaView> {
      await ensureAccount(userId);
      return adminView(userId);
    },

    /** Sets a user's override (null: back to the default); it applies to today's remaining submissions. */
    async set(userId: string, dailyTestQuota: number | null): Promise<AdminQuotaView> {
      await ensureAccount(userId);
      if (!(await quotas.setOverride(userId, dailyTestQuota))) throw new NotFoundError(`No user ${userId}`);
      return adminView(userId);
    },
  };
}

export type QuotaService = ReturnType<typeof createQuotaService>;
