import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/index.ts';
import type { DB } from '../../shared/db/index.ts';
import type { EventBus } from '../../shared/events/index.ts';
import { NotFoundError } from '../../shared/http/index.ts';
import type { EmailService } from '../email/index.ts';
import type { NotificationsModule } from '../notifications/index.ts';
import type { SchedulesService } from '../schedules/index.ts';
import type { EngineRegistry } from '../../engines/index.ts';
import { createAlertHistoryRepository } from './alert-history.repository.ts';
import { createAlertHistoryService } from './alert-history.service.ts';
import { createAlertRuleRepository } from './alert-rule.repository.ts';
import { createAlertRulesService, type AlertRulesService } from './alert-rules.service.ts';
import { registerAlertsRoutes } from './alerts.routes.ts';
import { createAlertStateRepository } from './alert-state.repository.ts';
import { createAlertDelivery } from './delivery/index.ts';
import { createEvaluator, type Evaluator } from './evaluator.ts';
import { createMetricNames } from './metric-names.ts';
import { createAlertTicker, type AlertTicker } from './reminders.ts';
import { createRuleIndex, type RuleIndex } from './rule-index.ts';

export { EPSILON } from './conditions.ts';
export type { Evaluator } from './evaluator.ts';

export interface AlertsModuleDeps {
  config: Config;
  db: Kysely<DB>;
  events: EventBus;
  email: EmailService;
  notifications: NotificationsModule;
  /** Metric names each test type documents (rules are validated against them). */
  engines: EngineRegistry;
  /** A rule's schedule scope must be one of its owner's schedules. */
  schedules: Pick<SchedulesService, 'get'>;
  /** Run the delivery dispatcher and the reminder ticker in this process. */
  worker: boolean;
  instanceId: string;
  /** The module's clock (cooldowns, reminders, mute, retry schedule); tests move it. */
  now?: () => Date;
}

export interface AlertsModule {
  rules: AlertRulesService;
  evaluator: Evaluator;
  index: RuleIndex;
  ticker: AlertTicker;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Alerting (tests and the benchmark reach the evaluator and the ticker through it). */
    alerts: AlertsModule;
  }
}

/**
 * Alerting: rules over any test metric or platform sample (/api/alerts/rules), evaluated on
 * TestCompleted / TestFailed / PlatformSampled, their history and acknowledgement, and the durable
 * delivery of each alert by e-mail, signed webhook and the inbox. See docs/ALERTING.md.
 */
export async function alertsModule(app: FastifyInstance, deps: AlertsModuleDeps): Promise<AlertsModule> {
  const { config, db, events } = deps;
  const now = deps.now ?? (() => new Date());
  const log = app.log.child({ module: 'alerts' });
  const delivery = createAlertDelivery(app, { ...deps, now });
  const ruleRepo = createAlertRuleRepository(db);
  const states = createAlertStateRepository(db);
  const historyRepo = createAlertHistoryRepository(db);
  const index = createRuleIndex({
    loadOwner: ruleRepo.activeOf,
    loadPlatform: ruleRepo.activePlatform,
    loadHot: states.hotOf,
  });
  const rules = createAlertRulesService({
    db,
    rules: ruleRepo,
    states,
    names: createMetricNames(deps.engines),
    testTypes: () => deps.engines.types(),
    ownsSchedule: async (userId, scheduleId) => {
      try {
        await deps.schedules.get({ id: userId, role: 'user' }, scheduleId);
        return true;
      } catch (err) {
        if (err instanceof NotFoundError) return false;
        throw err;
      }
    },
    webhooks: delivery.webhooks,
    queue: delivery.queue,
    events,
    invalidate: index.invalidate,
    maxRulesPerUser: config.alerts.maxRulesPerUser,
    publicUrl: config.publicUrl,
    now,
  });
  const history = createAlertHistoryService({ history: historyRepo, now });
  registerAlertsRoutes(app, rules, history);

  const evaluator = createEvaluator({
    events,
    instanceId: deps.instanceId,
    db,
    states,
    index,
    queue: delivery.queue,
    publicUrl: config.publicUrl,
    now,
    log,
  });
  // Each event is evaluated in the process that published it (the worker that ran the test, the process
  // that sampled itself); a second evaluation anywhere would be a no-op (alert_states.last_event_id).
  const off = [
    events.subscribe(
      'TestCompleted',
      (e) => evaluator.guarded('TestCompleted', () => evaluator.completed(e)),
      { localOnly: true },
    ),
    events.subscribe('TestFailed', (e) => evaluator.guarded('TestFailed', () => evaluator.failed(e)), {
      localOnly: true,
    }),
    events.subscribe(
      'PlatformSampled',
      (s) => evaluator.guarded('PlatformSampled', () => evaluator.sampled(s)),
      { localOnly: true },
    ),
    // Every process drops its compiled copy of the owner's rules.
    events.subscribe('AlertRulesChanged', (e) => index.invalidate(e.userId, e.platform)),
    // Another process moved a series into or out of ok: reload which of the owner's series are not ok.
    events.subscribe('AlertSeriesChanged', (e) => {
      if (e.instanceId !== deps.instanceId) index.invalidate(e.userId, e.platform);
    }),
  ];
  const ticker = createAlertTicker({
    db,
    states,
    history: historyRepo,
    queue: delivery.queue,
    publicUrl: config.publicUrl,
    retentionMs: config.alerts.historyRetentionMs,
    now,
    log,
  });
  if (deps.worker) app.addHook('onReady', async () => ticker.start());
  app.addHook('preClose', async () => {
    for (const unsubscribe of off) unsubscribe();
    await ticker.stop();
  });
  const module = { rules, evaluator, index, ticker };
  app.decorate('alerts', module);
  return module;
}
