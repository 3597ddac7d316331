/** Rejects after `ms` so an API request never hangs on an unreachable Redis (BullMQ waits for reconnects). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** How long an API request waits for the queue. */
export const QUEUE_CALL_TIMEOUT_MS = 3000;
