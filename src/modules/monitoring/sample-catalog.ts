import type { PlatformSample } from '../../shared/events/index.ts';

/** The figures of a sample, by their API name (`GET /api/monitoring/series?metric=`). */
export type SampleMetric = Exclude<keyof PlatformSample, 'instanceId' | 'role' | 'at'>;

export interface MetricSpec {
  column: string;
  unit: 'ratio' | 'bytes' | 'seconds' | 'count' | 'per_minute';
  /**
   * How rows of one instance combine over time (a minute's downsampled row, a series step): worst-case
   * figures (percentiles, lag) keep the maximum — an average of p95s is not a p95 — the others the mean.
   */
  overTime: 'avg' | 'max';
  /**
   * How instances combine in a platform-wide series: per-process loads keep the busiest process (max),
   * totals add up (sum), the queue's counts are the same figure seen by every process (max), ratios average.
   */
  acrossInstances: 'sum' | 'max' | 'avg';
  description: string;
}

export const SAMPLE_METRICS: Record<SampleMetric, MetricSpec> = {
  cpuRatio: {
    column: 'cpu_ratio',
    unit: 'ratio',
    overTime: 'avg',
    acrossInstances: 'max',
    description: 'CPU seconds per second of the busiest process (1 = one core)',
  },
  rssBytes: {
    column: 'rss_bytes',
    unit: 'bytes',
    overTime: 'avg',
    acrossInstances: 'max',
    description: 'Resident memory of the largest process',
  },
  heapUsedBytes: {
    column: 'heap_used_bytes',
    unit: 'bytes',
    overTime: 'avg',
    acrossInstances: 'max',
    description: 'V8 heap in use of the largest process',
  },
  eventLoopP99Seconds: {
    column: 'event_loop_p99_seconds',
    unit: 'seconds',
    overTime: 'max',
    acrossInstances: 'max',
    description: 'Event-loop lag p99 over the interval, worst process',
  },
  apiRequestsPerMinute: {
    column: 'api_requests_per_minute',
    unit: 'per_minute',
    overTime: 'avg',
    acrossInstances: 'sum',
    description: 'HTTP requests answered per minute (probes, scrapes and held connections excluded)',
  },
  apiP95Seconds: {
    column: 'api_p95_seconds',
    unit: 'seconds',
    overTime: 'max',
    acrossInstances: 'max',
    description: 'HTTP response time p95 over the last minute, worst API process',
  },
  apiErrorRatio: {
    column: 'api_error_ratio',
    unit: 'ratio',
    overTime: 'avg',
    acrossInstances: 'max',
    description: 'Share of HTTP responses that were 5xx over the last minute, worst API process',
  },
  queueWaiting: {
    column: 'queue_waiting',
    unit: 'count',
    overTime: 'avg',
    acrossInstances: 'max',
    description: 'Tests waiting in the queue',
  },
  queueActive: {
    column: 'queue_active',
    unit: 'count',
    overTime: 'avg',
    acrossInstances: 'max',
    description: 'Tests running, as the queue counts them',
  },
  testsCompletedPerMinute: {
    column: 'tests_completed_per_minute',
    unit: 'per_minute',
    overTime: 'avg',
    acrossInstances: 'sum',
    description: 'Tests completed per minute, all workers',
  },
  testsFailedPerMinute: {
    column: 'tests_failed_per_minute',
    unit: 'per_minute',
    overTime: 'avg',
    acrossInstances: 'sum',
    description: 'Tests failed (for good, not retried) per minute, all workers',
  },
  runningTests: {
    column: 'running_tests',
    unit: 'count',
    overTime: 'avg',
    acrossInstances: 'sum',
    description: 'Tests running in worker processes',
  },
  wsConnections: {
    column: 'ws_connections',
    unit: 'count',
    overTime: 'avg',
    acrossInstances: 'sum',
    description: 'Open WebSockets and held long-polls, all API processes',
  },
  cacheHitRatio: {
    column: 'cache_hit_ratio',
    unit: 'ratio',
    overTime: 'avg',
    acrossInstances: 'avg',
    description: 'Cache reads answered from the cache over the last minute',
  },
  cacheErrorsPerMinute: {
    column: 'cache_errors_per_minute',
    unit: 'per_minute',
    overTime: 'avg',
    acrossInstances: 'sum',
    description: 'Cache operations that failed (served from the source) per minute',
  },
  dbRttSeconds: {
    column: 'db_rtt_seconds',
    unit: 'seconds',
    overTime: 'avg',
    acrossInstances: 'max',
    description: 'Database round trip (SELECT 1), slowest process',
  },
  redisRttSeconds: {
    column: 'redis_rtt_seconds',
    unit: 'seconds',
    overTime: 'avg',
    acrossInstances: 'max',
    description: 'Redis round trip (PING), slowest process',
  },
};

export const METRIC_NAMES = Object.keys(SAMPLE_METRICS) as SampleMetric[];
