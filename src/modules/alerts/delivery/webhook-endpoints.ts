import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../../shared/db/index.ts';
import type { SecretBox } from '../../../shared/crypto/index.ts';
import { NotFoundError, ValidationError } from '../../../shared/http/index.ts';
import { OutboundError, type OutboundClient } from '../../../shared/outbound/index.ts';
import type { WebhookEndpoints } from '../delivery-port.ts';

/** Secrets are `whsec_` + base64 of 32 random bytes (Standard Webhooks: 24 to 64 bytes). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const MAX_URL = 2048;

function invalidUrl(message: string): ValidationError {
  return new ValidationError(`webhookUrl: ${message}`, [{ field: '/body/webhookUrl', message }]);
}

export interface WebhookEndpointsDeps {
  db: Kysely<DB>;
  box: SecretBox;
  outbound: Pick<OutboundClient, 'assertTarget'>;
}

export interface RotatedSecret {
  id: string;
  webhookSecret: string;
  /** Until then deliveries carry a signature with the previous secret too. */
  previousSecretExpiresAt: string;
}

export interface EndpointForAttempt {
  url: string;
  /** Opened on demand, so a secret is in memory only while an attempt signs. */
  secrets: () => string[];
  /** Why the endpoint does not receive (410 Gone, an admin), or null. */
  disabledReason: string | null;
}

/**
 * alert_webhooks: one signing endpoint per rule with a webhook. URLs pass the SSRF guard here (scheme,
 * no credentials, and every address the name resolves to now) and again on every attempt.
 */
export function createWebhookEndpoints({ db, box, outbound }: WebhookEndpointsDeps) {
  async function checkUrl(url: string): Promise<string> {
    if (typeof url !== 'string' || !url.trim()) throw invalidUrl('is required with the webhook channel');
    if (url.length > MAX_URL) throw invalidUrl(`must be at most ${MAX_URL} characters`);
    try {
      return (await outbound.assertTarget(url.trim())).href;
    } catch (err) {
      if (err instanceof OutboundError) throw invalidUrl(err.message);
      throw err;
    }
  }

  const endpoints: WebhookEndpoints = {
    async create(trx, userId, url) {
      const href = await checkUrl(url);
      const secret = newWebhookSecret();
      const row = await trx
        .insertInto('alert_webhooks')
        .values({ user_id: userId, url: href, secret_sealed: box.seal(secret) })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id: row.id, secret };
    },

    async changeUrl(trx, userId, id, url) {
      const href = await checkUrl(url);
      const r = await trx
        .updateTable('alert_webhooks')
        .set({ url: href, disabled_at: null, disabled_reason: null, updated_at: new Date() })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) throw new NotFoundError('No such webhook endpoint');
    },

    async describe(dbOrTrx, userId, ids) {
      const out = new Map<
        string,
        { url: string; disabledAt: string | null; disabledReason: string | null }
      >();
      if (!ids.length) return out;
      const rows = await dbOrTrx
        .selectFrom('alert_webhooks')
        .select(['id', 'url', 'disabled_at', 'disabled_reason'])
        .where('id', 'in', ids)
        .where('user_id', '=', userId)
        .execute();
      for (const r of rows)
        out.set(r.id, {
          url: r.url,
          disabledAt: r.disabled_at ? new Date(r.disabled_at).toISOString() : null,
          disabledReason: r.disabled_reason,
        });
      return out;
    },

    async remove(trx, userId, id) {
      await trx.deleteFrom('alert_webhooks').where('id', '=', id).where('user_id', '=', userId).execute();
    },
  };

  return {
    ...endpoints,

    /**
     * A new secret for the endpoint; the previous one keeps signing beside it for `graceMs` (both
     * signatures are sent), so the receiver can switch over. `userId` null: an admin's call.
     */
    async rotate(userId: string | null, id: string, now: Date, graceMs: number): Promise<RotatedSecret> {
      const secret = newWebhookSecret();
      return db.transaction().execute(async (trx) => {
        let q = trx.selectFrom('alert_webhooks').select('secret_sealed').where('id', '=', id);
        if (userId) q = q.where('user_id', '=', userId);
        const row = await q.forUpdate().executeTakeFirst();
        if (!row) throw new NotFoundError('No such webhook endpoint');
        const until = new Date(now.getTime() + graceMs);
        await trx
          .updateTable('alert_webhooks')
          .set({
            secret_sealed: box.seal(secret),
            previous_secret_sealed: row.secret_sealed,
            previous_secret_expires_at: until,
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .execute();
        return { id, webhookSecret: secret, previousSecretExpiresAt: until.toISOString() };
      });
    },

    /** What an attempt needs: the URL, the secrets that sign now (current first), and the state. */
    async forAttempt(id: string, now: Date): Promise<EndpointForAttempt | null> {
      const row = await db.selectFrom('alert_webhooks').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return null;
      const previous =
        row.previous_secret_sealed &&
        row.previous_secret_expires_at &&
        new Date(row.previous_secret_expires_at) > now
          ? [row.previous_secret_sealed]
          : [];
      return {
        url: row.url,
        secrets: () => [row.secret_sealed, ...previous].map((s) => box.open(s)),
        disabledReason: row.disabled_at ? (row.disabled_reason ?? 'disabled') : null,
      };
    },

    /** A 410 Gone: the endpoint stops receiving (in the attempt's transaction) until its URL is changed. */
    async disable(trx: Kysely<DB>, id: string, reason: string): Promise<void> {
      await trx
        .updateTable('alert_webhooks')
        .set({ disabled_at: new Date(), disabled_reason: reason, updated_at: new Date() })
        .where('id', '=', id)
        .where('disabled_at', 'is', null)
        .execute();
    },
  };
}

export type WebhookEndpointStore = ReturnType<typeof createWebhookEndpoints>;
