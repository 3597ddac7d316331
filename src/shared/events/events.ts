/**
 * The typed event catalog. Payloads carry ids and small values, never rows. Realtime, cache,
 * notifications and alerting subscribe; the queue worker publishes.
 */
export interface TestEventBase {
  testId: string;
  userId: string;
  type: string;
  url: string;
}

export interface EventMap {
  TestQueued: TestEventBase & { priority: number };
  TestStarted: TestEventBase & { attempt: number };
  TestProgress: TestEventBase & { progress: number; message: string; metrics?: Record<string, number> };
  /**
   * `runId` is the attempt that finished (a new one per run: a manual retry's outcome is a new event,
   * a duplicated delivery of one is not). The job handler always sets it, and `scheduleId` when the test
   * is a schedule's run. `tags` are the test's labels (alert rules are scoped by them); `durationMs` is
   * how long the engine ran (the alert metric `duration_ms`).
   */
  TestCompleted: TestEventBase & {
    runId?: string;
    scheduleId?: string | null;
    tags?: string[];
    durationMs?: number;
    passed: boolean | null;
    score: number | null;
    metrics: Record<string, number>;
  };
  TestFailed: TestEventBase & {
    runId?: string;
    scheduleId?: string | null;
    tags?: string[];
    error: string;
    willRetry: boolean;
  };
  TestCancelled: TestEventBase;
  /** A notification was stored for `userId` (the notifications module); realtime pushes it as `notification`. */
  NotificationCreated: { userId: string; notification: NotificationPayload };
  /** `userId`'s unread count changed; realtime pushes it as `notification.unread-count`. */
  NotificationUnreadCount: { userId: string; count: number };
  /** A user's submissions today reached 80 % of their daily test quota (test-runs; once per day). */
  QuotaWarning: { userId: string; used: number; quota: number; resetsAt: string };
  /** A process recorded its platform sample (monitoring, every MONITORING_INTERVAL); platform alert rules read these. */
  PlatformSampled: PlatformSample;
  /**
   * An alert fired or resolved (the alerts module's in-app channel, once per notice cluster-wide);
   * realtime sends `alert.triggered` / `alert.resolved` on the owner's `user-notifications` and, for
   * platform rules, on `system-alerts`.
   */
  AlertTriggered: { userId: string; platform: boolean; alert: AlertPayload };
  AlertResolved: { userId: string; platform: boolean; alert: AlertPayload };
  /**
   * `userId`'s alert rules changed (created, updated, deleted); every process drops its compiled index
   * of that owner's rules (and of the platform rules when `platform`), so evaluation sees the change.
   */
  AlertRulesChanged: { userId: string; platform: boolean };
  /**
   * Process `instanceId` moved series of `userId`'s rules (of the platform rules when `platform`) into or
   * out of ok; the other processes reload which of that owner's series are not ok.
   */
  AlertSeriesChanged: { userId: string; platform: boolean; instanceId: string };
  /**
   * Access tokens of `userId` stop working at once in every process: those of `sessionIds`, or all of
   * the user's when null (logout-all, password reset, account disabled). The auth module publishes it.
   */
  AccessRevoked: {
    userId: string;
    sessionIds: string[] | null;
    reason:
      | 'logout'
      | 'logout-all'
      | 'session-deleted'
      | 'password-reset'
      | 'password-changed'
      | 'disabled'
      | 'role-changed';
  };
  /** The overall platform status changed (published once per change cluster-wide); realtime sends `monitoring.status`. */
  PlatformStatusChanged: PlatformStatusChange;
  /** A personal API token was revoked: every process forgets it at once (docs/API_TOKENS.md). */
  ApiTokenRevoked: { userId: string; tokenId: string };
}

/** One process's figures at `at`; rates and percentiles cover the last minute, null where there is nothing to measure. */
export interface PlatformSample {
  instanceId: string;
  role: 'api' | 'worker' | 'api+worker';
  /** ISO time of the sample. */
  at: string;
  cpuRatio: number | null;
  rssBytes: number | null;
  heapUsedBytes: number | null;
  eventLoopP99Seconds: number | null;
  apiRequestsPerMinute: number | null;
  apiP95Seconds: number | null;
  apiErrorRatio: number | null;
  queueWaiting: number | null;
  queueActive: number | null;
  testsCompletedPerMinute: number | null;
  testsFailedPerMinute: number | null;
  runningTests: number | null;
  wsConnections: number | null;
  cacheHitRatio: number | null;
  cacheErrorsPerMinute: number | null;
  dbRttSeconds: number | null;
  redisRttSeconds: number | null;
}

export type HealthStatus = 'ok' | 'degraded' | 'down';

export interface PlatformStatusChange {
  status: HealthStatus;
  previous: HealthStatus | 'unknown';
  /** Each component that is not ok, with why. */
  problems: Array<{ component: string; status: HealthStatus; reason: string }>;
  at: string;
}

/** An alert as its channels carry it: the webhook body's `alert`, the e-mail's fields, the live event. */
export interface AlertPayload {
  /** The alert_history row (for a rule's test send, a fresh id that is stored nowhere). */
  id: string;
  ruleId: string;
  ruleName: string;
  title: string;
  description: string | null;
  severity: 'low' | 'medium' | 'high' | 'critical';
  state: 'firing' | 'resolved';
  metric: {
    name: string;
    /** null when the condition is `absent` (the metric was missing or the test failed first). */
    value: number | null;
    condition: 'gt' | 'lt' | 'eq' | 'gte' | 'lte' | 'neq' | 'absent';
    threshold: number | null;
  };
  /** The URL of a test rule's series, or the instance id of a platform rule's. */
  seriesKey: string;
  scope: 'tests' | 'platform';
  testId: string | null;
  scheduleId: string | null;
  url: string | null;
  instanceId: string | null;
  /** ISO time of this notice (the firing, the resolution, the reminder). */
  timestamp: string;
  triggeredAt: string;
  resolvedAt: string | null;
  /** PUBLIC_URL link to the test, schedule or platform page. */
  actionUrl: string;
}

/** A notification as the API lists it (GET /api/notifications items). */
export interface NotificationPayload {
  id: string;
  type: string;
  title: string;
  content: string | null;
  data: Record<string, unknown> | null;
  actionUrl: string | null;
  read: boolean;
  createdAt: string;
  readAt: string | null;
}

export type EventName = keyof EventMap;
/** The events of a test's lifecycle (all carry TestEventBase). */
export type TestEventName =
  'TestQueued' | 'TestStarted' | 'TestProgress' | 'TestCompleted' | 'TestFailed' | 'TestCancelled';
export type EventHandler<K extends EventName> = (payload: EventMap[K]) => void | Promise<void>;

/**
 * Publish/subscribe over the catalog. The embedded driver is an in-process emitter; in services mode
 * the Redis driver delivers every event to subscribers in every process (including the publisher's).
 * Handlers run after `publish` resolves and their errors are logged, never thrown at the publisher.
 */
export interface SubscribeOptions {
  /**
   * Only events published by this process. A bridge that must act once per event cluster-wide (e.g.
   * realtime assigning message ids, which then fans out by itself) subscribes with this.
   */
  localOnly?: boolean;
}

export interface EventBus {
  publish<K extends EventName>(name: K, payload: EventMap[K]): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe<K extends EventName>(name: K, handler: EventHandler<K>, options?: SubscribeOptions): () => void;
  close(): Promise<void>;
}
