import { OutboundError, TargetRefusedError, type OutboundResponse } from '../../shared/outbound/index.ts';
import type { EngineContext, EngineResult, Finding, OptionProblem, TestEngine } from '../engine.ts';
import { outboundOf, round } from '../shared/outbound-of.ts';
import { API_METRICS } from './api.metrics.ts';
import { ApiOptions, type Extract, type Step } from './api.options.ts';
import {
  checkAssertion,
  evaluateAssertion,
  failedAssertion,
  type AssertionResult,
  type ResponseView,
} from './assertions.ts';
import { readJsonPath } from './json-path.ts';
import { substituteJson, substituteRecord, substituteText, type Variables } from './variables.ts';

type Ctx = EngineContext<ApiOptions>;

interface StepResult {
  name: string;
  method: string;
  url: string;
  status?: number;
  timeMs?: number;
  ttfbMs?: number;
  bytes?: number;
  truncated?: boolean;
  headers?: Record<string, string>;
  bodyPreview?: string;
  error?: string;
  extracted: Record<string, unknown>;
  assertions: AssertionResult[];
  passed: boolean;
}

function stepsOf(o: ApiOptions): Step[] {
  if (o.steps) return o.steps;
  return [{ method: o.method, headers: {}, query: o.query, body: o.body, assertions: [], extract: [] }];
}

function buildRequest(ctx: Ctx, step: Step, vars: Variables) {
  const url = new URL(step.url ? substituteText(step.url, vars) : ctx.url, ctx.url);
  for (const [k, v] of Object.entries(substituteRecord(step.query, vars))) url.searchParams.set(k, v);
  const headers = { ...substituteRecord(ctx.options.headers, vars), ...substituteRecord(step.headers, vars) };
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  let body: string | undefined;
  if (typeof step.body === 'string') {
    body = substituteText(step.body, vars);
    if (!hasType) headers['content-type'] = 'text/plain; charset=utf-8';
  } else if (step.body !== undefined) {
    body = JSON.stringify(substituteJson(step.body, vars));
    if (!hasType) headers['content-type'] = 'application/json';
  }
  return { url: url.href, method: step.method ?? (body === undefined ? 'GET' : 'POST'), headers, body };
}

function view(res: OutboundResponse): ResponseView {
  const text = res.body.toString('utf8');
  let json: ResponseView['json'];
  try {
    json = { ok: true, value: JSON.parse(text) };
  } catch (err) {
    json = { ok: false, error: res.truncated ? 'body truncated at the size cap' : (err as Error).message };
  }
  return { status: res.status, headers: res.headers, text, json, timeMs: res.timings.totalMs };
}

function extract(rules: Extract[], r: ResponseView, vars: Variables): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const rule of rules) {
    let value: unknown;
    if (rule.source === 'status') value = r.status;
    else if (rule.source === 'header') value = r.headers[(rule.property ?? '').toLowerCase()];
    else if (rule.source === 'body') value = r.text;
    else value = r.json.ok ? readJsonPath(r.json.value, rule.property ?? '$') : undefined;
    if (value !== undefined) vars.set(rule.name, value);
    out[rule.name] = value ?? null;
  }
  return out;
}

async function runStep(ctx: Ctx, step: Step, index: number, vars: Variables): Promise<StepResult> {
  const o = ctx.options;
  const assertions = [...o.assertions, ...step.assertions];
  const name = step.name ?? `step ${index + 1}`;
  let req: ReturnType<typeof buildRequest>;
  try {
    req = buildRequest(ctx, step, vars);
  } catch (err) {
    const reason = (err as Error).message;
    return {
      name,
      method: step.method ?? 'GET',
      url: step.url ?? ctx.url,
      error: reason,
      extracted: {},
      assertions: assertions.map((a) => failedAssertion(a, reason)),
      passed: false,
    };
  }
  try {
    const res = await outboundOf(ctx).request(req.url, {
      ...req,
      signal: ctx.signal,
      timeoutMs: step.timeoutMs ?? o.timeoutMs,
      insecureTls: o.insecureTls,
      maxRedirects: o.followRedirects ? o.maxRedirects : 0,
    });
    const r = view(res);
    const results = assertions.map((a) => evaluateAssertion(a, r));
    const extracted = extract(step.extract, r, vars);
    return {
      name,
      method: req.method,
      url: res.url,
      status: res.status,
      timeMs: round(res.timings.totalMs, 2),
      ttfbMs: round(res.timings.ttfbMs, 2),
      bytes: res.body.length,
      truncated: res.truncated,
      headers: res.headers,
      bodyPreview: r.text.slice(0, 2000),
      extracted,
      assertions: results,
      passed: results.every((a) => a.passed),
    };
  } catch (err) {
    ctx.signal.throwIfAborted();
    if (err instanceof TargetRefusedError || !(err instanceof OutboundError)) throw err;
    return {
      name,
      method: req.method,
      url: req.url,
      error: err.message,
      extracted: {},
      assertions: assertions.map((a) => failedAssertion(a, err.message)),
      passed: false,
    };
  }
}

function findingsOf(steps: StepResult[]): Finding[] {
  const out: Finding[] = [];
  for (const s of steps) {
    if (s.error)
      out.push({
        severity: 'critical',
        title: `${s.name}: request failed`,
        detail: s.error,
        recommendation:
          'Check that the API is reachable from the TestWeb worker and answers within the timeout.',
      });
    for (const a of s.assertions.filter((x) => !x.passed && !s.error)) {
      const what = `${a.source}${a.property ? ` ${a.property}` : ''} ${a.comparison}`;
      out.push({
        severity: 'high',
        title: `${s.name}: assertion failed: ${what}`,
        detail: a.message ?? `expected ${JSON.stringify(a.expected)}, got ${JSON.stringify(a.actual)}`,
        recommendation:
          'Compare the response with the API contract; update the assertion if the contract changed on purpose.',
      });
    }
  }
  return out;
}

async function run(ctx: Ctx): Promise<EngineResult> {
  const steps = stepsOf(ctx.options);
  const vars: Variables = new Map();
  const results: StepResult[] = [];
  for (const [i, step] of steps.entries()) {
    ctx.progress(Math.round((i / steps.length) * 100), `Request ${i + 1} of ${steps.length}`);
    const result = await runStep(ctx, step, i, vars);
    results.push(result);
    if (result.error) break;
  }
  const all = results.flatMap((s) => s.assertions);
  const failedAssertions = all.filter((a) => !a.passed).length;
  const passed = results.length === steps.length && results.every((s) => s.passed);
  const last = results[results.length - 1]!;
  const metrics: Record<string, number> = {
    response_time_ms: round(
      results.reduce((n, s) => n + (s.timeMs ?? 0), 0),
      2,
    ),
    ttfb_ms: last.ttfbMs ?? 0,
    status_code: last.status ?? 0,
    response_bytes: results.reduce((n, s) => n + (s.bytes ?? 0), 0),
    assertions_total: all.length,
    assertions_passed: all.length - failedAssertions,
    assertions_failed: failedAssertions,
    steps_total: steps.length,
    steps_failed: results.filter((s) => !s.passed).length + (steps.length - results.length),
  };
  const summary =
    last.error && results.length === 1
      ? `Request failed: ${last.error}`
      : `${all.length - failedAssertions}/${all.length} assertions passed in ${results.length}/${steps.length} request(s); last HTTP ${last.status ?? 'none'} in ${Math.round(metrics.response_time_ms!)} ms`;
  return {
    passed,
    summary,
    metrics,
    findings: findingsOf(results),
    details: { steps: results, assertions: all, variables: Object.fromEntries(vars) },
  };
}

function check(o: ApiOptions): OptionProblem[] {
  const out = o.assertions.flatMap((a, i) => checkAssertion(a, `/assertions/${i}`));
  for (const [s, step] of (o.steps ?? []).entries()) {
    out.push(...step.assertions.flatMap((a, i) => checkAssertion(a, `/steps/${s}/assertions/${i}`)));
    for (const [i, e] of step.extract.entries())
      if ((e.source === 'jsonPath' || e.source === 'header') && !e.property)
        out.push({
          path: `/steps/${s}/extract/${i}/property`,
          message: `is required for source ${e.source}`,
        });
  }
  return out;
}

/** API checks: one request or a sequence of steps with extracted variables, and assertions on each. */
export const apiEngine: TestEngine<typeof ApiOptions> = {
  name: 'api',
  description: 'HTTP request(s) with assertions on status, headers, JSON body, JSON Schema and response time',
  options: ApiOptions,
  metrics: API_METRICS,
  run,
  check,
};
