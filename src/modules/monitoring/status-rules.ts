import type { HealthStatus, PlatformSample } from '../../shared/events/index.ts';
import type { ProbeResult } from './probes.ts';

/**
 * The overview's rules: each component's status and why, from the figures alone (pure functions, so the
 * rules are read and tested in one place). docs/MONITORING.md explains each threshold.
 */
export const THRESHOLDS = {
  /** An instance silent for more than this many intervals is down. */
  missedHeartbeats: 3,
  /** A down instance keeps the instances component degraded this long after its last heartbeat. */
  downRelevantMs: 3_600_000,
  /** Waiting tests per worker slot above which the queue is degraded (a backlog). */
  backlogPerSlot: 10,
  apiP95DegradedSeconds: 1,
  apiP95DownSeconds: 5,
  errorRatioDegraded: 0.01,
  errorRatioDown: 0.2,
  /** Fewer requests than this in the window cannot make the API down (3 failures of 3 are not an outage). */
  errorRatioMinRequests: 20,
  databaseRttDegradedSeconds: 0.25,
  redisRttDegradedSeconds: 0.1,
} as const;

export interface Verdict {
  status: HealthStatus;
  reason: string;
}

const RANK: Record<HealthStatus, number> = { ok: 0, degraded: 1, down: 2 };

export function worst(statuses: HealthStatus[]): HealthStatus {
  return statuses.reduce<HealthStatus>((a, b) => (RANK[b] > RANK[a] ? b : a), 'ok');
}

const ms = (seconds: number) => `${Math.round(seconds * 1000)} ms`;
const pct = (ratio: number) => `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)} %`;

export interface InstanceCounts {
  up: number;
  /** Down (missed heartbeats) within THRESHOLDS.downRelevantMs; their ids, for the reason. */
  recentlyDown: string[];
  workersUp: number;
  slots: number;
}

export function instancesVerdict(c: InstanceCounts): Verdict {
  if (c.recentlyDown.length > 0)
    return {
      status: 'degraded',
      reason: `${c.recentlyDown.length} instance(s) stopped sending heartbeats without shutting down: ${c.recentlyDown.slice(0, 5).join(', ')}`,
    };
  return { status: 'ok', reason: `${c.up} instance(s) up, ${c.workersUp} of them running tests` };
}

export interface QueueFigures {
  counts: { waiting: number; active: number; delayed: number } | null;
  /** Why the counts are missing. */
  failure: string | null;
  workersUp: number;
  slots: number;
}

export function queueVerdict(q: QueueFigures): Verdict {
  if (!q.counts) return { status: 'down', reason: `the queue ${q.failure ?? 'did not answer'}` };
  const { waiting } = q.counts;
  if (q.workersUp === 0)
    return waiting > 0
      ? { status: 'down', reason: `${waiting} test(s) waiting and no worker is running` }
      : { status: 'degraded', reason: 'no worker is running: new tests will wait' };
  if (waiting > q.slots * THRESHOLDS.backlogPerSlot)
    return { status: 'degraded', reason: `backlog: ${waiting} tests waiting for ${q.slots} worker slot(s)` };
  return { status: 'ok', reason: `${waiting} waiting, ${q.counts.active} running on ${q.slots} slot(s)` };
}

export function latencyVerdict(p95Seconds: number | null): Verdict {
  if (p95Seconds === null) return { status: 'ok', reason: 'no requests in the last minute' };
  if (p95Seconds >= THRESHOLDS.apiP95DownSeconds)
    return { status: 'down', reason: `p95 ${ms(p95Seconds)}: requests are as good as timing out` };
  if (p95Seconds >= THRESHOLDS.apiP95DegradedSeconds)
    return {
      status: 'degraded',
      reason: `p95 ${ms(p95Seconds)} is over ${THRESHOLDS.apiP95DegradedSeconds} s`,
    };
  return { status: 'ok', reason: `p95 ${ms(p95Seconds)}` };
}

export function errorRateVerdict(requests: number, errors: number): Verdict {
  if (requests === 0 || errors === 0)
    return {
      status: 'ok',
      reason: requests === 0 ? 'no requests in the last minute' : 'no 5xx in the last minute',
    };
  const ratio = errors / requests;
  if (ratio >= THRESHOLDS.errorRatioDown && requests >= THRESHOLDS.errorRatioMinRequests)
    return { status: 'down', reason: `${pct(ratio)} of ${Math.round(requests)} requests answered 5xx` };
  if (ratio >= THRESHOLDS.errorRatioDegraded)
    return { status: 'degraded', reason: `${pct(ratio)} of ${Math.round(requests)} requests answered 5xx` };
  return { status: 'ok', reason: `${pct(ratio)} 5xx` };
}

export function cacheVerdict(hitRatio: number | null, errorsPerMinute: number): Verdict {
  if (errorsPerMinute > 0)
    return {
      status: 'degraded',
      reason: `${Math.round(errorsPerMinute)} cache operation(s) failed per minute: reads go to the database`,
    };
  return {
    status: 'ok',
    reason: hitRatio === null ? 'no cache reads in the last minute' : `hit ratio ${pct(hitRatio)}`,
  };
}

export function websocketVerdict(connections: number, redis: ProbeResult | null): Verdict {
  if (redis && !redis.ok)
    return {
      status: 'degraded',
      reason: `Redis is down: messages no longer reach clients of other API processes (${connections} connection(s))`,
    };
  return { status: 'ok', reason: `${connections} connection(s)` };
}

export function dependencyVerdict(probe: ProbeResult, degradedAboveSeconds: number): Verdict {
  if (!probe.ok || probe.rttSeconds === null)
    return { status: 'down', reason: `${probe.name} ${probe.reason}` };
  if (probe.rttSeconds >= degradedAboveSeconds)
    return { status: 'degraded', reason: `round trip ${ms(probe.rttSeconds)} is slow` };
  return { status: 'ok', reason: `round trip ${ms(probe.rttSeconds)}` };
}

/** The platform-wide API figures from the latest samples (a process that serves no HTTP has none). */
export function apiFigures(samples: PlatformSample[]): {
  requests: number;
  errors: number;
  p95: number | null;
} {
  let requests = 0;
  let errors = 0;
  let p95: number | null = null;
  for (const s of samples) {
    requests += s.apiRequestsPerMinute ?? 0;
    errors += (s.apiRequestsPerMinute ?? 0) * (s.apiErrorRatio ?? 0);
    if (s.apiP95Seconds !== null) p95 = Math.max(p95 ?? 0, s.apiP95Seconds);
  }
  return { requests, errors, p95 };
}
