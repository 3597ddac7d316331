import {
  DEFAULT_ENGINE_LIMITS,
  type EngineContext,
  type EngineLimits,
  type EngineResult,
  type Finding,
  type OptionProblem,
  type TestEngine,
} from '../engine.ts';
import { outboundOf } from '../shared/outbound-of.ts';
import { buildPlan, sharePlan, type LoadPlan } from './load-plan.ts';
import type { StressAggregate } from './stress-aggregate.ts';
import { capProblems, checkCaps } from './stress-limits.ts';
import { runLoad } from './stress-runner.ts';
import { StressOptions } from './stress.options.ts';
import { evaluateThresholds, type ThresholdResult } from './thresholds.ts';
import type { LoadConfig } from './worker-protocol.ts';
import { STRESS_METRICS } from './stress.metrics.ts';

type Ctx = EngineContext<StressOptions>;

function loadConfigs(ctx: Ctx, plan: LoadPlan, limits: EngineLimits): LoadConfig[] {
  const o = ctx.options;
  const headers: Record<string, string> = { 'user-agent': outboundOf(ctx).settings.userAgent, ...o.headers };
  let body: string | undefined;
  if (typeof o.body === 'string') body = o.body;
  else if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
  }
  const workers = Math.max(1, Math.min(limits.stressWorkers, plan.maxUsers));
  const { allowPrivateTargets, publicAddresses = [] } = outboundOf(ctx).settings;
  const base = {
    url: ctx.url,
    method: o.method,
    headers,
    body,
    timeoutMs: o.timeoutMs,
    insecureTls: o.insecureTls,
    allowPrivateTargets,
    publicAddresses,
  };
  return Array.from({ length: workers }, (_, i) => ({ ...base, plan: sharePlan(plan, i, workers) })).filter(
    (c) => c.plan.maxUsers > 0,
  );
}

// Redirects are not followed (the load stays on the one endpoint the test names): say so when they came back.
function redirectFinding(statuses: Record<string, number>): Finding[] {
  const codes = Object.keys(statuses).filter((c) => c.startsWith('3'));
  const count = codes.reduce((n, c) => n + statuses[c]!, 0);
  if (count === 0) return [];
  return [
    {
      severity: 'medium',
      title: `${count} responses were redirects (${codes.join(', ')}), not followed`,
      detail: 'The stress engine measures the redirect responses themselves, not the page they point to.',
      recommendation: 'Point the test at the final URL (the Location the target answers with).',
    },
  ];
}

function stressFindings(
  m: Record<string, number>,
  thresholds: ThresholdResult[],
  errors: Record<string, number>,
  statuses: Record<string, number>,
): Finding[] {
  const out: Finding[] = [...redirectFinding(statuses)];
  for (const t of thresholds.filter((x) => !x.passed)) {
    out.push({
      severity: 'high',
      title: `Threshold failed: ${t.expression}`,
      detail: `${t.metric} was ${t.actual}, required ${t.operator} ${t.threshold}.`,
      recommendation:
        'Find the bottleneck (CPU, database, connection pools) at this load, or lower the load the target is expected to carry.',
    });
  }
  if (m.errors_refused! > 0)
    out.push({
      severity: 'critical',
      title: 'Connections refused',
      detail: `${m.errors_refused} requests could not connect.`,
      recommendation:
        'Check that the service runs and listens on this address, and raise its listen backlog or connection limits.',
    });
  if (m.error_rate! > 0.01)
    out.push({
      severity: m.error_rate! > 0.1 ? 'high' : 'medium',
      title: `Error rate ${(m.error_rate! * 100).toFixed(2)} %`,
      detail: `Errors by kind: ${JSON.stringify(errors)}.`,
      recommendation:
        'Read the server logs for the failing requests; 5xx and timeouts under load usually mean an exhausted resource.',
    });
  if (m.latency_p95_ms! > 1000)
    out.push({
      severity: 'medium',
      title: 'Slow responses under load',
      detail: `95 % of responses took up to ${m.latency_p95_ms} ms (p99 ${m.latency_p99_ms} ms).`,
      recommendation:
        'Profile the endpoint at this load; cache results and move slow work out of the request path.',
    });
  if (m.dropped_requests! > 0)
    out.push({
      severity: 'medium',
      title: `${m.dropped_requests} requests not sent`,
      detail: 'The target was too slow to hold the requested arrival rate with the allowed users in flight.',
      recommendation:
        'Raise vus (the cap on requests in flight) or lower the rate; the target cannot sustain it at this latency.',
    });
  return out;
}

function result(agg: StressAggregate, elapsedMs: number, ctx: Ctx, plan: LoadPlan): EngineResult {
  const metrics = agg.metrics(elapsedMs);
  const thresholds = evaluateThresholds(ctx.options.thresholds, metrics);
  const errorsByKind = {
    timeout: metrics.errors_timeout!,
    refused: metrics.errors_refused!,
    reset: metrics.errors_reset!,
    other: metrics.errors_other!,
    '4xx': metrics.errors_4xx!,
    '5xx': metrics.errors_5xx!,
  };
  const passed = thresholds.length > 0 ? thresholds.every((t) => t.passed) : undefined;
  const verdict =
    passed === undefined
      ? ''
      : passed
        ? '; thresholds passed'
        : `; ${thresholds.filter((t) => !t.passed).length} threshold(s) failed`;
  return {
    passed,
    summary: `${metrics.requests_total} requests in ${metrics.duration_s} s: ${metrics.rps_mean} req/s, p95 ${metrics.latency_p95_ms} ms, error rate ${(metrics.error_rate! * 100).toFixed(2)} %${verdict}`,
    metrics,
    findings: stressFindings(metrics, thresholds, errorsByKind, agg.statuses),
    details: {
      mode: plan.mode,
      plan,
      statusCodes: agg.statuses,
      errorsByKind,
      thresholds,
      series: agg.series,
    },
  };
}

async function run(ctx: Ctx): Promise<EngineResult> {
  const limits = ctx.limits ?? DEFAULT_ENGINE_LIMITS;
  const plan = buildPlan(ctx.options);
  checkCaps(plan, limits);
  ctx.progress(
    0,
    `Starting ${plan.mode === 'rate' ? `${plan.rate} requests/s` : `up to ${plan.maxUsers} users`} for ${plan.durationMs / 1000} s`,
  );
  const maxRunMs = plan.durationMs + ctx.options.timeoutMs + 10_000;
  const { aggregate, elapsedMs } = await runLoad(
    loadConfigs(ctx, plan, limits),
    ctx.signal,
    maxRunMs,
    (s) => {
      const percent = Math.min(99, Math.round((((s.second + 1) * 1000) / plan.durationMs) * 100));
      ctx.progress(
        percent,
        `${s.rps} req/s, p95 ${s.latency_p95_ms} ms, ${s.errors} errors, ${s.active_users} users`,
        {
          rps: s.rps,
          latency_p50_ms: s.latency_p50_ms,
          latency_p95_ms: s.latency_p95_ms,
          latency_p99_ms: s.latency_p99_ms,
          errors: s.errors,
          active_users: s.active_users,
        },
      );
    },
  );
  return result(aggregate, elapsedMs, ctx, plan);
}

function check(o: StressOptions, limits: EngineLimits): OptionProblem[] {
  const out = capProblems(o, limits);
  if (o.stages && Math.max(o.startVus, ...o.stages.map((s) => s.target)) === 0)
    out.push({ path: '/stages', message: 'never have a user: give a stage a target above 0' });
  return out;
}

/** Load test of one endpoint: virtual users in stages, or a fixed arrival rate, from worker threads. */
export const stressEngine: TestEngine<typeof StressOptions> = {
  name: 'stress',
  description:
    'Load with constant, ramp-up, spike or staged users, or a fixed arrival rate; RPS, latency percentiles and errors',
  options: StressOptions,
  streamsLive: true,
  metrics: STRESS_METRICS,
  run,
  check,
};
