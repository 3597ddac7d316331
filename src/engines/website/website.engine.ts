/**
 * The website engine: the one-click audit. It runs other engines (its parts) one after another on the
 * same URL, with their own options and schema defaults, and combines their results: one progress bar, a
 * weighted score, the findings of every part, each part's result kept whole. A part that fails does not
 * fail the others; a cancel is never taken for a part failure.
 *
 * Sequential on purpose: the browser parts share the pool's slots, and two at once would measure each
 * other (Lighthouse's timings move when another Chromium loads the CPU).
 */
import { TargetRefusedError } from '../../shared/outbound/index.ts';
import {
  NonRetryableError,
  type EngineContext,
  type EngineEnvironment,
  type EngineLimits,
  type OptionProblem,
  type TestEngine,
} from '../engine.ts';
import type { OptionsValidator } from '../options-validator.ts';
import { websiteResult, type PartOutcome } from './website-result.ts';
import { websiteMetrics } from './website.metrics.ts';
import { websiteOptionsSchema, type WebsiteOptions } from './website.options.ts';
import {
  assertParts,
  enginesOf,
  partValidators,
  planPart,
  rawPartOptions,
  type PartPlan,
  type WebsitePart,
} from './website-part.ts';
import { partProgress } from './website-progress.ts';

type Ctx = EngineContext<WebsiteOptions>;
type Validators = Map<string, OptionsValidator>;
/** An outcome with the error a failed part threw (kept out of the result; it decides retryability). */
type Ran = { outcome: PartOutcome; error?: unknown };

/** A part's options: validated by its engine's schema (defaults applied) and its engine's own check. */
function partOptions(
  validators: Validators,
  part: WebsitePart,
  engine: TestEngine,
  options: WebsiteOptions,
  limits: EngineLimits | undefined,
): { value: unknown; problems: OptionProblem[] } {
  const { value, errors } = validators.get(engine.name)!(rawPartOptions(part, engine, options));
  const problems: OptionProblem[] = errors.map((e) => ({ path: e.field, message: e.message }));
  if (problems.length === 0 && engine.check && limits)
    for (const p of engine.check(value, limits)) problems.push({ ...p, path: `/${engine.name}${p.path}` });
  return { value, problems };
}

async function runPart(
  ctx: Ctx,
  validators: Validators,
  plan: Extract<PartPlan, { engine: TestEngine }>,
  progress: Ctx['progress'],
): Promise<Ran> {
  const { part, engine } = plan;
  const base = {
    key: part.key,
    engine: engine.name,
    weight: part.weight,
    ...(plan.fallback ? { fallback: plan.fallback } : {}),
  };
  const started = performance.now();
  try {
    const { value, problems } = partOptions(validators, part, engine, ctx.options, ctx.limits);
    if (problems.length > 0)
      throw new Error(`Invalid ${engine.name} options: ${problems[0]!.path} ${problems[0]!.message}`);
    progress(0, `starting (${engine.name})`);
    const { artifacts, ...result } = await engine.run({ ...ctx, options: value, progress });
    const durationMs = Math.round(performance.now() - started);
    const outcome: PartOutcome = {
      ...base,
      status: 'completed',
      durationMs,
      artifactPrefix: `${part.key}-`,
      result,
      artifacts: artifacts ?? [],
    };
    return { outcome };
  } catch (err) {
    // A cancel stops the audit: it must not be recorded as this part failing and the next one started.
    ctx.signal.throwIfAborted();
    ctx.log.warn({ part: part.key, engine: engine.name, err }, 'website part failed');
    const durationMs = Math.round(performance.now() - started);
    return { outcome: { ...base, status: 'failed', durationMs, reason: (err as Error).message }, error: err };
  }
}

const nonRetryable = (err: unknown) =>
  err instanceof TargetRefusedError || (err as { retryable?: unknown } | null)?.retryable === false;

/** No part produced a result: the test fails, not retried when no part's failure would go away. */
function allFailed(ran: Ran[]): Error {
  const why = ran.map(({ outcome: o }) => `${o.key} ${o.status}: ${o.reason ?? ''}`).join('; ');
  const message = `No part of the website audit produced a result (${why})`;
  return ran.every((r) => r.error === undefined || nonRetryable(r.error))
    ? new NonRetryableError(message)
    : new Error(message);
}

async function runParts(parts: WebsitePart[], validators: Validators, ctx: Ctx) {
  const env: EngineEnvironment = { browser: ctx.browser };
  const plans = parts.filter((p) => ctx.options.parts.includes(p.key)).map((p) => planPart(p, env));
  const bar = partProgress(plans, ctx.progress);
  const ran: Ran[] = [];
  for (const [i, plan] of plans.entries()) {
    ctx.signal.throwIfAborted();
    if ('skipped' in plan) {
      const { key, weight } = plan.part;
      const engine = plan.part.engine.name;
      ran.push({ outcome: { key, engine, weight, status: 'skipped', reason: plan.skipped } });
    } else ran.push(await runPart(ctx, validators, plan, bar.scoped(i)));
  }
  ctx.signal.throwIfAborted();
  if (!ran.some((r) => r.outcome.status === 'completed')) throw allFailed(ran);
  bar.done();
  return ran.map((r) => r.outcome);
}

/**
 * The website engine built from `parts` (src/engines/index.ts passes the product's). Each part engine's
 * options come from the website options under the engine's name and are checked by its own schema.
 */
export function createWebsiteEngine(parts: WebsitePart[]): TestEngine {
  assertParts(parts);
  const validators = partValidators(parts);
  return {
    name: 'website',
    description: `One-click audit: ${parts.map((p) => p.key).join(', ')} in one test, with a combined score`,
    options: websiteOptionsSchema(parts),
    metrics: websiteMetrics(parts),
    availability(env) {
      const plans = parts.map((p) => planPart(p, env));
      const skipped = plans.flatMap((p) => ('skipped' in p ? [`${p.part.key}: ${p.skipped}`] : []));
      if (skipped.length < plans.length) return { available: true };
      return { available: false, reason: `No part can run here (${skipped.join('; ')})` };
    },
    check(options, limits) {
      const o = options as WebsiteOptions;
      return parts
        .filter((p) => o.parts.includes(p.key))
        .flatMap((p) => enginesOf(p).flatMap((e) => partOptions(validators, p, e, o, limits).problems));
    },
    async run(ctx) {
      const c = ctx as Ctx;
      return websiteResult(parts, await runParts(parts, validators, c));
    },
  };
}
