import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/http/index.ts';
import type { BaselineRepository } from './baseline.repository.ts';
import type { Page } from './page.ts';
import type { TestRunsPort } from './ports.ts';
import type { ScheduleRepository, ScheduleRow, ScheduleValues, Viewer } from './schedule.repository.ts';
import type { ScheduleRunsRepository } from './schedule-runs.repository.ts';
import { refusalOf } from './scheduler.ts';
import type { ListSchedulesQuery, ScheduleBody, ScheduleView } from './schedules.schemas.ts';
import { checkCron, checkInterval, checkTimezone, formatInterval, timingOf } from './timing.ts';

export interface SchedulesServiceDeps {
  db: Kysely<DB>;
  schedules: ScheduleRepository;
  runs: ScheduleRunsRepository;
  baselines: BaselineRepository;
  tests: TestRunsPort;
  minIntervalMs: number;
  maxPerUser: number;
  now: () => Date;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toScheduleView(r: ScheduleRow): ScheduleView {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    type: r.test_type,
    url: r.url,
    options: r.options ?? {},
    priority: r.priority,
    interval: r.interval_ms !== null ? formatInterval(Number(r.interval_ms)) : null,
    cron: r.cron,
    timezone: r.timezone,
    enabled: r.enabled,
    tags: r.tags ?? [],
    nextRunAt: iso(r.next_run_at),
    lastRunAt: iso(r.last_run_at),
    counters: {
      runs: r.runs_total,
      skippedOverlap: r.skipped_overlap,
      skippedLimit: r.skipped_limit,
      skippedQuota: r.skipped_quota,
      rejected: r.rejected,
    },
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

const sameTiming = (r: ScheduleRow, v: ScheduleValues) =>
  (r.interval_ms === null ? null : Number(r.interval_ms)) === v.intervalMs &&
  r.cron === v.cron &&
  r.timezone === v.timezone;

const sameTest = (r: ScheduleRow, v: ScheduleValues) =>
  r.test_type === v.type && r.url === v.url && JSON.stringify(r.options) === JSON.stringify(v.options);

/** Saving, reading, pausing and running schedules. Another user's schedule is a 404, whatever the route. */
export function createSchedulesService(deps: SchedulesServiceDeps) {
  const { schedules, runs, tests } = deps;

  /** The body checked as POST /api/tests checks a test, plus the timing; 400s name the field. */
  async function valuesOf(body: ScheduleBody): Promise<ScheduleValues> {
    if ((body.interval === undefined) === (body.cron === undefined))
      throw new ValidationError('give either interval or cron', [
        {
          field: body.interval === undefined ? '/body/interval' : '/body/cron',
          message:
            body.interval === undefined
              ? 'is required when there is no cron'
              : 'give interval or cron, not both',
        },
      ]);
    if (body.timezone !== undefined && body.cron === undefined)
      throw new ValidationError('timezone applies to cron schedules', [
        { field: '/body/timezone', message: 'applies to cron only (intervals are time-zone free)' },
      ]);
    const timezone = body.timezone === undefined ? null : checkTimezone(body.timezone);
    const intervalMs = body.interval === undefined ? null : checkInterval(body.interval, deps.minIntervalMs);
    if (body.cron !== undefined) checkCron(body.cron, timezone, deps.minIntervalMs, deps.now());
    const name = body.name.trim();
    if (!name)
      throw new ValidationError('name is empty', [{ field: '/body/name', message: 'must not be blank' }]);
    const valid = await tests.validate(body);
    return { name, ...valid, intervalMs, cron: body.cron ?? null, timezone, tags: body.tags ?? [] };
  }

  /** The first tick of a timing anchored now: an interval runs at once, a cron at its next firing. */
  function firstTick(v: ScheduleValues, anchorAt: Date): Date | null {
    if (v.intervalMs !== null) return anchorAt;
    return timingOf({ interval_ms: null, cron: v.cron, timezone: v.timezone, anchor_at: anchorAt }).next(
      anchorAt,
    );
  }

  async function found(viewer: Viewer, id: string): Promise<ScheduleRow> {
    const row = await schedules.getById(viewer, id);
    if (!row) throw new NotFoundError(`No schedule ${id}`);
    return row;
  }

  return {
    get: async (viewer: Viewer, id: string) => toScheduleView(await found(viewer, id)),
    found,

    async create(viewer: Viewer, body: ScheduleBody): Promise<ScheduleView> {
      const v = await valuesOf(body);
      const anchorAt = deps.now();
      const enabled = body.enabled ?? true;
      const row = await schedules.createWithinLimit(
        viewer.id,
        v,
        { enabled, anchorAt, nextRunAt: enabled ? firstTick(v, anchorAt) : null },
        deps.maxPerUser,
      );
      if (!row)
        throw new ConflictError(
          `You already have ${deps.maxPerUser} schedules (SCHEDULE_MAX_PER_USER); delete one first`,
          'ERR_LIMIT_REACHED',
        );
      return toScheduleView(row);
    },

    async list(viewer: Viewer, q: ListSchedulesQuery): Promise<Page<ScheduleView>> {
      const page = await schedules.list(viewer, {
        limit: q.limit ?? 20,
        cursor: q.cursor,
        enabled: q.enabled,
        tag: q.tag,
      });
      return { items: page.items.map(toScheduleView), nextCursor: page.nextCursor };
    },

    /**
     * Replaces the definition. A new timing starts a new grid from now; a new test (type, URL or options)
     * forgets the baselines, which measured something else. `enabled` left out keeps the state.
     */
    async update(viewer: Viewer, id: string, body: ScheduleBody): Promise<ScheduleView> {
      const current = await found(viewer, id);
      const v = await valuesOf(body);
      const enabled = body.enabled ?? current.enabled;
      const anchorAt = deps.now();
      const retime = !sameTiming(current, v) || enabled !== current.enabled;
      const timing = retime ? { anchorAt, nextRunAt: enabled ? firstTick(v, anchorAt) : null } : null;
      const row = await deps.db.transaction().execute(async (trx) => {
        if (!sameTest(current, v)) await deps.baselines.clear(id, trx);
        return schedules.update(viewer, id, { ...v, enabled }, timing, trx);
      });
      if (!row) throw new NotFoundError(`No schedule ${id}`);
      return toScheduleView(row);
    },

    async remove(viewer: Viewer, id: string): Promise<void> {
      if (!(await schedules.delete(viewer, id))) throw new NotFoundError(`No schedule ${id}`);
    },

    async pause(viewer: Viewer, id: string): Promise<ScheduleView> {
      const row = await schedules.setEnabled(viewer, id, false, null);
      if (!row) throw new NotFoundError(`No schedule ${id}`);
      return toScheduleView(row);
    },

    /** Resumes on the schedule's grid: the next tick after now, not a run for the time it was paused. */
    async resume(viewer: Viewer, id: string): Promise<ScheduleView> {
      const current = await found(viewer, id);
      if (current.enabled) return toScheduleView(current);
      const row = await schedules.setEnabled(viewer, id, true, timingOf(current).next(deps.now()));
      if (!row) throw new NotFoundError(`No schedule ${id}`);
      return toScheduleView(row);
    },

    /**
     * Runs the schedule now, as a manual tick: 409 while its previous run is queued or running, and the
     * refusals of POST /api/tests (429 at the active-tests limit or the daily quota, 400 for a definition
     * that no longer validates) are answered as they are, and recorded on the tick.
     */
    async runNow(viewer: Viewer, id: string): Promise<{ testId: string; status: 'queued' }> {
      const current = await found(viewer, id);
      const valid = await tests.validate({
        type: current.test_type,
        url: current.url,
        options: current.options,
        priority: current.priority,
        tags: current.tags,
      });
      const tickAt = deps.now();
      const testId = randomUUID();
      await deps.db.transaction().execute(async (trx) => {
        const row = await schedules.lock(trx, viewer, id);
        if (!row) throw new NotFoundError(`No schedule ${id}`);
        const last = row.last_test_id;
        const busy =
          last !== null &&
          ((await runs.outcomeOf(trx, id, row.last_test_tick_at)) === 'pending' ||
            (await tests.activeAmong([last], trx)).length > 0);
        if (busy)
          throw new ConflictError(
            'The previous run of this schedule is still queued or running',
            'ERR_RUN_ACTIVE',
          );
        if (!(await runs.insertManual(trx, id, tickAt, testId)))
          throw new ConflictError(
            'A run of this schedule was started at this instant; try again',
            'ERR_RUN_ACTIVE',
          );
      });
      const at = { scheduleId: id, tickAt };
      try {
        await tests.submit(current.user_id, valid, { testId, scheduleId: id });
      } catch (err) {
        const refusal = refusalOf(err);
        if (refusal) await runs.settle([{ ...at, ...refusal }]);
        throw err;
      }
      await runs.settle([{ ...at, outcome: 'queued', error: null }]);
      return { testId, status: 'queued' };
    },
  };
}

export type SchedulesService = ReturnType<typeof createSchedulesService>;
