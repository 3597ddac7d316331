import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { EventMap } from '../../src/shared/events/index.ts';
import type { TestUser } from '../support/app.ts';
import { waitFor } from '../support/wait.ts';

export interface OwnQuota {
  quota: number | null;
  used: number;
  remaining: number | null;
  resetsAt: string;
}

export interface AdminQuota {
  userId: string;
  dailyTestQuota: number | null;
  effectiveQuota: number | null;
  used: number;
  resetsAt: string;
}

export interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

/** A test that finishes at once on the test engines (test/queue/support/test-engines.ts). */
export const QUICK_TEST = { type: 'sleep', url: 'http://127.0.0.1:9/quota', options: { ms: 0 } };

export const submit = (app: FastifyInstance, user: TestUser, payload: object = QUICK_TEST) =>
  app.inject({ method: 'POST', url: '/api/tests', headers: user.auth, payload });

/** Submits `n` tests one after another and returns the status codes. */
export async function submitMany(app: FastifyInstance, user: TestUser, n: number): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < n; i++) codes.push((await submit(app, user)).statusCode);
  return codes;
}

export async function ownQuota(app: FastifyInstance, user: TestUser): Promise<OwnQuota> {
  const res = await app.inject({ url: '/api/tests/quota', headers: user.auth });
  if (res.statusCode !== 200) throw new Error(`GET /api/tests/quota: ${res.statusCode} ${res.body}`);
  return res.json<OwnQuota>();
}

export const adminQuota = (app: FastifyInstance, as: TestUser, userId: string, set?: unknown) =>
  app.inject({
    method: set === undefined ? 'GET' : 'PUT',
    url: `/api/admin/users/${userId}/quota`,
    headers: as.auth,
    ...(set === undefined ? {} : { payload: set as object }),
  });

/** The next 00:00 UTC after `at`. */
export function nextUtcMidnight(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
}

export type Seen =
  | { name: 'QuotaWarning'; payload: EventMap['QuotaWarning'] }
  | { name: 'TestQueued'; payload: EventMap['TestQueued'] };

/**
 * Every QuotaWarning and TestQueued this app publishes, in order (its own only, so that the lists of two
 * apps on one Redis do not overlap). A submission publishes its warning before its TestQueued, so once a
 * submission's TestQueued arrived, any warning it gave has too.
 */
export function recordQuotaEvents(app: FastifyInstance): Seen[] {
  const seen: Seen[] = [];
  const own = { localOnly: true };
  app.events.subscribe('QuotaWarning', (payload) => void seen.push({ name: 'QuotaWarning', payload }), own);
  app.events.subscribe('TestQueued', (payload) => void seen.push({ name: 'TestQueued', payload }), own);
  return seen;
}

export const warningsFor = (seen: Seen[], userId: string) =>
  seen.flatMap((e) => (e.name === 'QuotaWarning' && e.payload.userId === userId ? [e.payload] : []));

/** Waits until the bus delivered the TestQueued of the test this answer accepted. */
export async function queuedSeen(seen: Seen[], res: LightMyRequestResponse): Promise<void> {
  const { testId } = res.json<{ testId: string }>();
  await waitFor(
    () => seen.some((e) => e.name === 'TestQueued' && e.payload.testId === testId),
    10_000,
    `TestQueued of ${testId}`,
  );
}
