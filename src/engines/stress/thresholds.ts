/** k6-style pass/fail criteria on the result metrics: `p95<200`, `error_rate<0.01`, `rps>500`. */

const ALIASES: Record<string, string> = {
  p50: 'latency_p50_ms',
  p90: 'latency_p90_ms',
  p95: 'latency_p95_ms',
  p99: 'latency_p99_ms',
  'p(50)': 'latency_p50_ms',
  'p(90)': 'latency_p90_ms',
  'p(95)': 'latency_p95_ms',
  'p(99)': 'latency_p99_ms',
  avg: 'latency_mean_ms',
  mean: 'latency_mean_ms',
  med: 'latency_p50_ms',
  min: 'latency_min_ms',
  max: 'latency_max_ms',
  rps: 'rps_mean',
};

/** Result metrics a threshold may name directly. */
export const THRESHOLD_METRICS = [
  'requests_total',
  'rps_mean',
  'rps_max',
  'latency_min_ms',
  'latency_mean_ms',
  'latency_p50_ms',
  'latency_p90_ms',
  'latency_p95_ms',
  'latency_p99_ms',
  'latency_max_ms',
  'error_rate',
  'errors_total',
  'errors_timeout',
  'errors_refused',
  'errors_reset',
  'errors_4xx',
  'errors_5xx',
  'errors_other',
  'bytes_received',
  'dropped_requests',
];

const escape = (s: string) => s.replace(/[()]/g, '\\$&');
const NAMES = [...Object.keys(ALIASES), ...THRESHOLD_METRICS].map(escape).join('|');
/** JSON Schema pattern: a bad threshold is rejected at submission, naming the field. */
export const THRESHOLD_PATTERN = `^\\s*(${NAMES})\\s*(<=|>=|==|!=|<|>)\\s*\\d+(\\.\\d+)?\\s*$`;
const PARSE = new RegExp(`^\\s*(${NAMES})\\s*(<=|>=|==|!=|<|>)\\s*(\\d+(?:\\.\\d+)?)\\s*$`);

export interface ThresholdResult {
  expression: string;
  metric: string;
  operator: string;
  threshold: number;
  actual: number;
  passed: boolean;
}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

export function evaluateThresholds(
  expressions: string[],
  metrics: Record<string, number>,
): ThresholdResult[] {
  return expressions.map((expression) => {
    const match = PARSE.exec(expression);
    if (!match) throw new Error(`invalid threshold ${expression}`);
    const metric = ALIASES[match[1]!] ?? match[1]!;
    const threshold = Number(match[3]);
    const actual = metrics[metric] ?? NaN;
    return {
      expression,
      metric,
      operator: match[2]!,
      threshold,
      actual,
      passed: COMPARE[match[2]!]!(actual, threshold),
    };
  });
}
