const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
const MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|database did not answer/;

/**
 * True for errors meaning "the database cannot be reached right now" (network errors, PostgreSQL
 * connection-exception and shutdown states), which are answered 503 rather than 500.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    (NETWORK_CODES.has(code) || code.startsWith('08') || code === '57P01' || code === '57P03')
  )
    return true;
  return (
    MESSAGES.test(err.message) ||
    (err.cause !== undefined && err.cause !== err && isDatabaseUnavailable(err.cause))
  );
}
