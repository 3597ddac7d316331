import type { Kysely } from 'kysely';
import type { DB } from '../../../shared/db/index.ts';
import type { AlertPayload } from '../../../shared/events/index.ts';
import type { ClaimedDelivery } from './delivery.repository.ts';

/**
 * What one attempt of a channel came to. `retry`: worth another attempt on the retry schedule (after
 * the last one the delivery fails); `failed`: final; `skipped`: not sent on purpose (the reason says why).
 * `write` runs in the transaction that records the outcome, so what it stores (the e-mails' outbox rows,
 * an endpoint disabled by a 410) commits with the attempt, or neither does.
 */
export interface ChannelResult {
  kind: 'delivered' | 'retry' | 'failed' | 'skipped';
  statusCode?: number | null;
  error?: string | null;
  write?: (trx: Kysely<DB>) => Promise<void>;
  /** Runs after the outcome committed (live events). */
  after?: () => Promise<void>;
}

export type ChannelSender = (row: ClaimedDelivery) => Promise<ChannelResult>;

export const payloadOf = (row: ClaimedDelivery): AlertPayload => row.payload as unknown as AlertPayload;
