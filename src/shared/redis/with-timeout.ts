import { ServiceUnavailableError } from '../http/index.ts';

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

/** A call to the queue from an API request, bounded by QUEUE_CALL_TIMEOUT_MS. */
export function queueCall<T>(promise: Promise<T>): Promise<T> {
  return withTimeout(promise, QUEUE_CALL_TIMEOUT_MS, 'the queue');
}

/** For `.catch()` where the request cannot go on without the queue: a 503 problem. */
export function queueUnavailable(err: unknown): never {
  throw new ServiceUnavailableError(
    `The queue is unreachable: ${err instanceof Error ? err.message : String(err)}`,
  );
}
