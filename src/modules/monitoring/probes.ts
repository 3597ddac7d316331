import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { Database } from '../../shared/db/index.ts';
import type { RedisFactory } from '../../shared/redis/index.ts';

/**
 * Round trips to the dependencies, each bounded by a deadline: a dependency that hangs (a connection that
 * stops answering, not only one that refuses) fails its probe at the deadline instead of holding the
 * caller. Readiness, the overview and the sampler share them.
 */
export interface Probe {
  name: 'database' | 'redis';
  /** The round trip in seconds; rejects with a ProbeFailure saying why. */
  measure(timeoutMs: number): Promise<number>;
}

/** Why a dependency is down, in words safe for a public response (no addresses, no driver messages). */
export class ProbeFailure extends Error {}

export interface ProbeResult {
  name: Probe['name'];
  ok: boolean;
  rttSeconds: number | null;
  reason: string | null;
}

function deadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeFailure(`did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * A probe that shares its round trip: callers arriving while one is in flight (readiness and the sampler
 * at once, or every readiness poll while a dependency hangs) wait for it instead of sending another, so
 * a hung database does not collect one stuck query per poll until its pool is exhausted.
 */
function sharedProbe(
  name: Probe['name'],
  run: () => Promise<unknown>,
  unreachable: () => string,
  /** Why an answer is late, when something better than "did not answer" is known. */
  late: () => string | null = () => null,
): Probe {
  let inflight: { promise: Promise<unknown>; start: number } | null = null;
  return {
    name,
    async measure(timeoutMs) {
      if (!inflight) {
        const current = { promise: run(), start: performance.now() };
        inflight = current;
        current.promise.then(
          () => void (inflight === current && (inflight = null)),
          () => void (inflight === current && (inflight = null)),
        );
      }
      const { promise, start } = inflight;
      try {
        await deadline(promise, timeoutMs);
      } catch (err) {
        if (!(err instanceof ProbeFailure)) throw new ProbeFailure(unreachable());
        throw new ProbeFailure(late() ?? err.message);
      }
      return (performance.now() - start) / 1000;
    },
  };
}

export function databaseProbe(database: Database): Probe {
  // ping's own timeout (30 s) is the backstop that ends a stuck round trip; callers wait only their deadline.
  return sharedProbe(
    'database',
    () => database.ping(30_000),
    () => 'unreachable',
  );
}

/** A connection of its own that never queues a command while disconnected and gives up on one that hangs. */
export function redisProbe(redis: RedisFactory, timeoutMs: number): Probe & { client: Redis } {
  const client = redis.create('monitoring', {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // A little past the callers' deadline, which then names the hang; this only frees the command.
    commandTimeout: timeoutMs + 500,
  });
  // Until the first connection is made a probe waits for it (readiness right after start-up is not a
  // failure); after that, a disconnected client fails at once instead of queueing the PING.
  let connected = false;
  client.once('ready', () => (connected = true));
  const firstConnection = () =>
    connected ? Promise.resolve() : new Promise<void>((resolve) => client.once('ready', () => resolve()));
  const notConnected = () => (client.status === 'ready' ? null : `not connected (${client.status})`);
  const probe = sharedProbe(
    'redis',
    () =>
      firstConnection()
        .then(() => client.ping())
        .catch((err: Error) => {
          // ioredis' commandTimeout ("Command timed out"): a hang, said as the deadline says it.
          throw /timed out/i.test(err.message)
            ? new ProbeFailure(`did not answer within ${timeoutMs + 500} ms`)
            : err;
        }),
    () => notConnected() ?? 'unreachable',
    notConnected,
  );
  return { ...probe, client };
}

/** Runs every probe at once; never rejects, and settles within `timeoutMs` (plus a timer tick). */
export async function runProbes(probes: Probe[], timeoutMs: number): Promise<ProbeResult[]> {
  return Promise.all(
    probes.map((p) =>
      p.measure(timeoutMs).then(
        (rttSeconds) => ({ name: p.name, ok: true, rttSeconds, reason: null }),
        (err: unknown) => ({
          name: p.name,
          ok: false,
          rttSeconds: null,
          reason: err instanceof ProbeFailure ? err.message : 'failed',
        }),
      ),
    ),
  );
}
