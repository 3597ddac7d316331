import type { Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { EventBus, EventMap } from '../../shared/events/index.ts';
import type { RuleRow } from './alert-rule.repository.ts';
import { payloadOf, titleOf, type Observation } from './alert-payload.ts';
import type { AlertStateRepository } from './alert-state.repository.ts';
import { breaches } from './conditions.ts';
import type { AlertDeliveryQueue } from './delivery-port.ts';
import { seriesKeyOf, type RuleIndex } from './rule-index.ts';
import { step } from './state-machine.ts';

interface Logger {
  warn(obj: object, msg: string): void;
}

export interface EvaluatorDeps {
  db: Kysely<DB>;
  states: AlertStateRepository;
  index: RuleIndex;
  events: Pick<EventBus, 'publish'>;
  instanceId: string;
  queue: AlertDeliveryQueue;
  publicUrl: string;
  now: () => Date;
  log: Logger;
}

/** One rule's reading of one result: the value of its metric (null when missing) and whether it breaches. */
interface Reading {
  rule: RuleRow;
  value: number | null;
  breach: boolean;
}

type SeriesContext = Omit<Observation, 'value'>;
/** Whose rules an evaluation read (for AlertSeriesChanged). */
type Owner = { userId: string; platform: boolean };

/**
 * The rules' values in `metrics`; a rule whose metric the result does not carry is not evaluated,
 * except `absent`, which that breaches.
 */
function readingsOf(rules: RuleRow[], metrics: Record<string, number | undefined>): Reading[] {
  const out: Reading[] = [];
  for (const rule of rules) {
    const raw = metrics[rule.metric_name];
    const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
    if (value === null && rule.condition !== 'absent') continue;
    out.push({ rule, value, breach: breaches(rule.condition, value, rule.threshold) });
  }
  return out;
}

/**
 * Evaluates results against the rules (driven by TestCompleted, a final TestFailed and PlatformSampled;
 * never by reading the results table). For one result, the series that may change (a breach, or a
 * series not ok) are locked in one transaction, which writes their state, the history row of a firing
 * or resolve, and the delivery rows of its notice; a series that is ok and stays ok is not written.
 */
export function createEvaluator(deps: EvaluatorDeps) {
  const { db, states, queue } = deps;

  /**
   * `hot` (the series of these rules that are not ok, as this process knows them) decides what needs
   * the database: a breach, or a series not ok. After the commit it is updated from the rows locked, and
   * the other processes are told when a series moved into or out of ok.
   */
  async function apply(
    readings: Reading[],
    ctx: SeriesContext,
    hot: Set<string>,
    owner: Owner,
  ): Promise<number> {
    const todo = readings.filter((r) => r.breach || hot.has(seriesKeyOf(r.rule.id, ctx.seriesKey)));
    if (!todo.length) return 0;
    const byRule = new Map(todo.map((r) => [r.rule.id, r]));
    let notices = 0;
    const after = new Map<string, boolean>([...byRule.keys()].map((id) => [id, false]));
    await db.transaction().execute(async (trx) => {
      const now = deps.now();
      for (const { state, rule } of await states.lock(trx, [...byRule.keys()], ctx.seriesKey)) {
        const reading = byRule.get(rule.id)!;
        // The rule as it is now (its threshold may have changed since the index was compiled).
        const breach = breaches(rule.condition, reading.value, rule.threshold);
        const t = step(rule, state, breach, reading.value, ctx.eventId, now);
        after.set(rule.id, (t?.next.state ?? state.state) !== 'ok');
        if (!t) continue;
        const o: Observation = { ...ctx, value: reading.value };
        if (t.open) {
          const metric = {
            name: rule.metric_name,
            value: o.value,
            condition: rule.condition,
            threshold: rule.threshold,
            testId: o.testId,
            scheduleId: o.scheduleId,
            url: o.url,
            instanceId: o.instanceId,
            eventId: o.eventId,
          };
          const row = await states.openEpisode(trx, {
            rule,
            title: titleOf(rule, o, 'firing'),
            seriesKey: o.seriesKey,
            metric,
            at: now,
          });
          t.next.alert_id = row.id;
          if (t.notice)
            await queue.enqueue(
              trx,
              rule,
              'alert.triggered',
              payloadOf(
                rule,
                o,
                { id: row.id, triggeredAt: now, resolvedAt: null, value: o.value },
                'firing',
                now,
                deps.publicUrl,
              ),
            );
        }
        if (t.closes) {
          const closed = await states.closeEpisode(trx, t.closes, o.value, now);
          if (closed && t.notice)
            await queue.enqueue(
              trx,
              rule,
              'alert.resolved',
              payloadOf(
                rule,
                o,
                {
                  id: closed.id,
                  triggeredAt: new Date(closed.triggered_at),
                  resolvedAt: now,
                  value: o.value,
                },
                'resolved',
                now,
                deps.publicUrl,
              ),
            );
        }
        if (t.notice) notices++;
        await states.save(trx, { ...t.next, rule_id: state.rule_id, series_key: state.series_key });
      }
    });
    if (notices) queue.nudge();
    let moved = false;
    for (const [ruleId, notOk] of after) {
      const key = seriesKeyOf(ruleId, ctx.seriesKey);
      if (hot.has(key) === notOk) continue;
      moved = true;
      if (notOk) hot.add(key);
      else hot.delete(key);
    }
    if (moved) void deps.events.publish('AlertSeriesChanged', { ...owner, instanceId: deps.instanceId });
    return notices;
  }

  async function guarded(what: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (err) {
      deps.log.warn({ err }, `alert evaluation of ${what} failed`);
    }
  }

  async function testResult(
    e: EventMap['TestCompleted'] | EventMap['TestFailed'],
    metrics: Record<string, number | undefined>,
  ): Promise<number> {
    const owner = await deps.index.forOwner(e.userId);
    const rules = owner.match({
      type: e.type,
      url: e.url,
      scheduleId: e.scheduleId ?? null,
      tags: e.tags ?? [],
    });
    const ctx: SeriesContext = {
      seriesKey: e.url,
      eventId: e.runId ?? e.testId,
      testId: e.testId,
      scheduleId: e.scheduleId ?? null,
      url: e.url,
      instanceId: null,
    };
    return apply(readingsOf(rules, metrics), ctx, owner.hot, { userId: e.userId, platform: false });
  }

  return {
    /** Resolves with the notices the result caused (the benchmark and tests read it). */
    completed(e: EventMap['TestCompleted']): Promise<number> {
      const passed = e.passed === null ? undefined : e.passed ? 1 : 0;
      return testResult(e, { ...e.metrics, passed, duration_ms: e.durationMs });
    },
    /** A test that failed for good: `passed` is 0 and every other metric is absent. */
    failed(e: EventMap['TestFailed']): Promise<number> {
      return e.willRetry ? Promise.resolve(0) : testResult(e, { passed: 0 });
    },
    async sampled(s: EventMap['PlatformSampled']): Promise<number> {
      const { rules, hot } = await deps.index.platformRules();
      if (!rules.length) return 0;
      const metrics = s as unknown as Record<string, number | undefined>;
      const ctx: SeriesContext = {
        seriesKey: s.instanceId,
        eventId: `${s.instanceId}@${s.at}`,
        testId: null,
        scheduleId: null,
        url: null,
        instanceId: s.instanceId,
      };
      return apply(readingsOf(rules, metrics), ctx, hot, { userId: rules[0]!.created_by, platform: true });
    },
    guarded,
  };
}

export type Evaluator = ReturnType<typeof createEvaluator>;
