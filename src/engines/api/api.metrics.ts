/** The api engine's result metrics (alert rules are validated against them; docs/ENGINES.md lists them). */
export const API_METRICS: Record<string, string> = {
  response_time_ms: 'Time of every step together, ms',
  ttfb_ms: 'Time to the first response byte of the last step, ms',
  status_code: 'HTTP status of the last step (0: no response)',
  response_bytes: 'Response body bytes of every step together',
  assertions_total: 'Assertions evaluated (count)',
  assertions_passed: 'Assertions that held (count)',
  assertions_failed: 'Assertions that failed (count)',
  steps_total: 'Steps of the test (count)',
  steps_failed: 'Steps that failed or were skipped after a failed request (count)',
};
