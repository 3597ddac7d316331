import { NonRetryableError, type EngineLimits, type OptionProblem } from '../engine.ts';
import { durationMs } from '../shared/duration.ts';
import { DEFAULT_DURATION, type LoadPlan } from './load-plan.ts';
import type { StressOptions } from './stress.options.ts';

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

function users(path: string, value: number, cap: number): OptionProblem[] {
  return value > cap
    ? [
        {
          path,
          message: `must be at most ${cap}, the most users a stress test may use (STRESS_MAX_USERS)`,
          limit: 'STRESS_MAX_USERS',
        },
      ]
    : [];
}

function duration(path: string, ms: number, cap: number, what: string): OptionProblem[] {
  return ms > cap
    ? [
        {
          path,
          message: `${what} ${seconds(ms)}, above the ${seconds(cap)} a stress test may run (STRESS_MAX_DURATION)`,
          limit: 'STRESS_MAX_DURATION',
        },
      ]
    : [];
}

/** Each stage target above the cap, and the stage where the stages add up to more than the longest run. */
function stageProblems(stages: NonNullable<StressOptions['stages']>, limits: EngineLimits): OptionProblem[] {
  const out: OptionProblem[] = [];
  let total = 0;
  let overrun = false;
  for (const [i, stage] of stages.entries()) {
    out.push(...users(`/stages/${i}/target`, stage.target, limits.stressMaxUsers));
    total += durationMs(stage.duration);
    if (!overrun && total > limits.stressMaxDurationMs) {
      overrun = true;
      out.push(
        ...duration(`/stages/${i}/duration`, total, limits.stressMaxDurationMs, 'brings the stages to'),
      );
    }
  }
  return out;
}

/**
 * The operator caps (STRESS_MAX_USERS, STRESS_MAX_DURATION, STRESS_MAX_RATE) checked on the options as
 * submitted, naming the exact option; only options the plan uses are checked (`vus` is unused with stages).
 */
export function capProblems(o: StressOptions, limits: EngineLimits): OptionProblem[] {
  if (o.stages)
    return [...users('/startVus', o.startVus, limits.stressMaxUsers), ...stageProblems(o.stages, limits)];
  const out = [...users('/vus', o.vus, limits.stressMaxUsers)];
  if (o.rate === undefined && o.pattern !== 'constant')
    out.push(...users('/startVus', o.startVus, limits.stressMaxUsers));
  const what = o.duration === undefined ? `is not set, and the default is` : 'is';
  out.push(
    ...duration('/duration', durationMs(o.duration ?? DEFAULT_DURATION), limits.stressMaxDurationMs, what),
  );
  if (o.rate !== undefined && o.rate > limits.stressMaxRate) {
    out.push({
      path: '/rate',
      message: `must be at most ${limits.stressMaxRate} requests/s (STRESS_MAX_RATE)`,
      limit: 'STRESS_MAX_RATE',
    });
  }
  return out;
}

/** The same caps on the plan, again at run time (defence in depth: the options were checked at submission). */
export function checkCaps(plan: LoadPlan, limits: EngineLimits): void {
  if (plan.maxUsers > limits.stressMaxUsers)
    throw new NonRetryableError(
      `stress: ${plan.maxUsers} users exceed the cap of ${limits.stressMaxUsers} (STRESS_MAX_USERS)`,
      'ERR_LIMIT_EXCEEDED',
    );
  if (plan.durationMs > limits.stressMaxDurationMs)
    throw new NonRetryableError(
      `stress: a ${plan.durationMs / 1000} s run exceeds the cap of ${limits.stressMaxDurationMs / 1000} s (STRESS_MAX_DURATION)`,
      'ERR_LIMIT_EXCEEDED',
    );
  if (plan.mode === 'rate' && plan.rate > limits.stressMaxRate)
    throw new NonRetryableError(
      `stress: ${plan.rate} requests/s exceed the cap of ${limits.stressMaxRate} (STRESS_MAX_RATE)`,
      'ERR_LIMIT_EXCEEDED',
    );
  if (plan.maxUsers === 0)
    throw new NonRetryableError('stress: the plan never has a user', 'ERR_INVALID_TEST');
}
