import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import picomatch from 'picomatch';
import type { DB } from '../../shared/db/index.ts';
import type { AlertPayload, EventBus } from '../../shared/events/index.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/http/index.ts';
import type { AlertDeliveryQueue, WebhookEndpoints } from './delivery-port.ts';
import type { AlertRuleRepository, RuleRow, RuleValues, Viewer } from './alert-rule.repository.ts';
import type { CreateRuleBody, ListQuery, RuleView, UpdateRuleBody } from './alerts.schemas.ts';
import type { MetricNames } from './metric-names.ts';
import { alertLink } from './alert-payload.ts';
import type { AlertStateRepository } from './alert-state.repository.ts';
import { bodyOf, restarts, toRuleView, type WebhookInfo } from './rule-view.ts';

/** Whether a schedule is the user's (the schedules module's service, through its index). */
export type ScheduleOwnership = (userId: string, scheduleId: string) => Promise<boolean>;

export interface AlertRulesServiceDeps {
  db: Kysely<DB>;
  rules: AlertRuleRepository;
  states: Pick<AlertStateRepository, 'reset'>;
  names: MetricNames;
  testTypes: () => string[];
  ownsSchedule: ScheduleOwnership;
  webhooks: WebhookEndpoints;
  queue: AlertDeliveryQueue;
  events: EventBus;
  /** Drops this process's compiled rules of an owner at once (other processes: AlertRulesChanged). */
  invalidate: (userId: string, platform: boolean) => void;
  maxRulesPerUser: number;
  publicUrl: string;
  now: () => Date;
}

const bad = (field: string, message: string) =>
  new ValidationError(`${field.replace('/body/', '')} ${message}`, [{ field, message }]);
/** Rules CRUD and the test send. Another user's rule is a 404; admins see and change all. */
export function createAlertRulesService(deps: AlertRulesServiceDeps) {
  const { db, rules, webhooks } = deps;

  async function checkScope(
    body: CreateRuleBody,
    owner: Viewer,
  ): Promise<Pick<RuleValues, 'scopeKind' | 'testType' | 'scheduleId' | 'urlGlob' | 'tags'>> {
    const scope = body.scope ?? { kind: 'tests' as const };
    if (scope.kind === 'platform') {
      if (owner.role !== 'admin') throw new ForbiddenError('Platform rules are for admins');
      for (const f of ['testType', 'scheduleId', 'urlGlob', 'tags'] as const)
        if (scope[f] !== undefined && scope[f] !== null)
          throw bad(`/body/scope/${f}`, 'does not apply to platform rules');
      return { scopeKind: 'platform', testType: null, scheduleId: null, urlGlob: null, tags: [] };
    }
    const testType = scope.testType ?? null;
    if (testType !== null && !deps.testTypes().includes(testType))
      throw bad('/body/scope/testType', `must be one of: ${deps.testTypes().join(', ')}`);
    const scheduleId = scope.scheduleId ?? null;
    if (scheduleId !== null && !(await deps.ownsSchedule(owner.id, scheduleId)))
      throw bad('/body/scope/scheduleId', 'is not one of your schedules');
    const urlGlob = scope.urlGlob ?? null;
    if (urlGlob !== null) {
      try {
        picomatch(urlGlob);
      } catch (err) {
        throw bad('/body/scope/urlGlob', `is not a glob: ${(err as Error).message}`);
      }
    }
    return { scopeKind: 'tests', testType, scheduleId, urlGlob, tags: scope.tags ?? [] };
  }

  /** Checks a whole rule (created, or updated with the PUT's fields over the stored ones). */
  async function check(body: CreateRuleBody, owner: Viewer): Promise<Omit<RuleValues, 'webhookId'>> {
    const scope = await checkScope(body, owner);
    deps.names.check(body.metricName, { kind: scope.scopeKind, testType: scope.testType });
    const threshold = body.threshold ?? null;
    if (body.condition === 'absent' && threshold !== null)
      throw bad('/body/threshold', 'must be null for absent');
    if (body.condition !== 'absent' && threshold === null)
      throw bad('/body/threshold', `is required for ${body.condition}`);
    const channels = body.channels ?? ['email'];
    if (channels.includes('webhook') && !body.webhookUrl)
      throw bad('/body/webhookUrl', 'is required with the webhook channel');
    if (!channels.includes('webhook') && body.webhookUrl)
      throw bad('/body/webhookUrl', 'applies to the webhook channel only');
    if (!channels.includes('email') && body.emailRecipients)
      throw bad('/body/emailRecipients', 'applies to the email channel only');
    const name = body.name.trim();
    if (!name) throw bad('/body/name', 'must not be blank');
    return {
      ...scope,
      name,
      description: body.description ?? null,
      metricName: body.metricName,
      condition: body.condition,
      threshold,
      severity: body.severity ?? 'medium',
      channels,
      cooldown: body.cooldown ?? 300,
      isActive: body.isActive ?? true,
      forCount: body.forCount ?? 1,
      resolveCount: body.resolveCount ?? 1,
      notifyOnResolve: body.notifyOnResolve ?? true,
      repeatInterval: body.repeatInterval ?? null,
      mutedUntil: body.mutedUntil ? new Date(body.mutedUntil) : null,
      emailRecipients: body.emailRecipients ?? null,
    };
  }

  function changed(r: RuleRow, wasPlatform = false): void {
    const change = { userId: r.created_by, platform: wasPlatform || r.scope_kind === 'platform' };
    deps.invalidate(change.userId, change.platform);
    void deps.events.publish('AlertRulesChanged', change);
  }

  async function view(r: RuleRow, secret?: string): Promise<RuleView> {
    const hooks = r.webhook_id ? await webhooks.describe(db, r.created_by, [r.webhook_id]) : new Map();
    return { ...toRuleView(r, hooks), ...(secret ? { webhookSecret: secret } : {}) };
  }

  async function found(viewer: Viewer, id: string): Promise<RuleRow> {
    const row = await rules.getById(viewer, id);
    if (!row) throw new NotFoundError(`No alert rule ${id}`);
    return row;
  }

  return {
    async create(viewer: Viewer, body: CreateRuleBody): Promise<RuleView> {
      const values = await check(body, viewer);
      let secret: string | undefined;
      const row = await db.transaction().execute(async (trx) => {
        if ((await rules.countOwned(trx, viewer.id)) >= deps.maxRulesPerUser)
          throw new ConflictError(
            `You already have ${deps.maxRulesPerUser} alert rules (ALERT_RULES_MAX_PER_USER)`,
            'ERR_ALERT_RULES_LIMIT',
          );
        let webhookId: string | null = null;
        if (values.channels.includes('webhook')) {
          const hook = await webhooks.create(trx, viewer.id, body.webhookUrl!);
          webhookId = hook.id;
          secret = hook.secret;
        }
        return rules.create(trx, viewer.id, { ...values, webhookId });
      });
      changed(row);
      return view(row, secret);
    },

    async list(viewer: Viewer, q: ListQuery) {
      const page = await rules.list(viewer, q.limit ?? 20, q.cursor);
      const byOwner = new Map<string, string[]>();
      for (const r of page.items)
        if (r.webhook_id) byOwner.set(r.created_by, [...(byOwner.get(r.created_by) ?? []), r.webhook_id]);
      const hooks: WebhookInfo = new Map();
      for (const [owner, ids] of byOwner)
        for (const [id, info] of await webhooks.describe(db, owner, ids)) hooks.set(id, info);
      return { items: page.items.map((r) => toRuleView(r, hooks)), nextCursor: page.nextCursor };
    },

    get: async (viewer: Viewer, id: string) => view(await found(viewer, id)),

    async update(viewer: Viewer, id: string, patch: UpdateRuleBody): Promise<RuleView> {
      const current = await view(await found(viewer, id));
      const body = { ...bodyOf(current), ...patch } as CreateRuleBody;
      // Scope checks are the owner's (their schedules); a platform scope needs the editor to be an admin.
      const values = await check(body, { id: current.createdBy, role: viewer.role });
      let secret: string | undefined;
      const row = await db.transaction().execute(async (trx) => {
        const locked = await rules.lock(trx, viewer, id);
        if (!locked) throw new NotFoundError(`No alert rule ${id}`);
        let webhookId = locked.webhook_id;
        const wants = values.channels.includes('webhook');
        if (wants && !webhookId) {
          const hook = await webhooks.create(trx, locked.created_by, body.webhookUrl!);
          webhookId = hook.id;
          secret = hook.secret;
        } else if (wants && webhookId && body.webhookUrl !== current.webhookUrl) {
          await webhooks.changeUrl(trx, locked.created_by, webhookId, body.webhookUrl!);
        }
        if (restarts(locked, values)) await deps.states.reset(trx, id, deps.now());
        const updated = await rules.update(trx, id, { ...values, webhookId: wants ? webhookId : null });
        if (!wants && webhookId) await webhooks.remove(trx, locked.created_by, webhookId);
        return updated;
      });
      changed(row, current.scope.kind === 'platform');
      return view(row, secret);
    },

    async delete(viewer: Viewer, id: string): Promise<void> {
      const row = await db.transaction().execute(async (trx) => {
        const locked = await rules.lock(trx, viewer, id);
        if (!locked) throw new NotFoundError(`No alert rule ${id}`);
        await deps.states.reset(trx, id, deps.now());
        await rules.delete(trx, id);
        if (locked.webhook_id) await webhooks.remove(trx, locked.created_by, locked.webhook_id);
        return locked;
      });
      changed(row);
    },

    /** Enqueues an `alert.test` notice with a sample alert through the rule's channels (alert id null). */
    async test(viewer: Viewer, id: string) {
      const rule = await found(viewer, id);
      const at = deps.now().toISOString();
      const platform = rule.scope_kind === 'platform';
      const alert: AlertPayload = {
        id: randomUUID(),
        ruleId: rule.id,
        ruleName: rule.name,
        title: `[test] ${rule.name}`,
        description: rule.description,
        severity: rule.severity,
        state: 'firing',
        metric: {
          name: rule.metric_name,
          value: rule.threshold,
          condition: rule.condition,
          threshold: rule.threshold,
        },
        seriesKey: platform ? 'test-instance' : (rule.scope_url_glob ?? 'https://example.test/'),
        scope: rule.scope_kind,
        testId: null,
        scheduleId: rule.scope_schedule_id,
        url: platform ? null : (rule.scope_url_glob ?? 'https://example.test/'),
        instanceId: platform ? 'test-instance' : null,
        timestamp: at,
        triggeredAt: at,
        resolvedAt: null,
        actionUrl: alertLink(deps.publicUrl, { platform, testId: null, scheduleId: rule.scope_schedule_id }),
      };
      await db.transaction().execute((trx) => deps.queue.enqueue(trx, rule, 'alert.test', alert));
      deps.queue.nudge();
      return {
        event: 'alert.test' as const,
        channels: rule.channels,
        alert: alert as unknown as Record<string, unknown>,
      };
    },
  };
}

export type AlertRulesService = ReturnType<typeof createAlertRulesService>;
