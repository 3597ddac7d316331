import type { Kysely } from 'kysely';
import type { DB, UserLocale } from '../../shared/db/index.ts';

/** What notifications need to know about accounts (the auth module implements it; app.ts passes it). */
export interface UserDirectory {
  /** Where and in which language to write to a user; null for an unknown user. */
  contactOf(userId: string): Promise<{ email: string; locale: UserLocale } | null>;
  /** User ids in id order after `afterId` (null: from the start), at most `limit` (broadcast batches). */
  pageUserIds(afterId: string | null, limit: number): Promise<string[]>;
}

/** The e-mail module's send, as notifications use it (app.ts passes the EmailService). */
export interface EmailPort {
  send(
    message: {
      to: string;
      template: 'notification';
      data: { type: string; title: string; content: string | null; actionUrl: string | null };
      locale?: UserLocale;
      userId?: string | null;
    },
    options?: { db?: Kysely<DB> },
  ): Promise<unknown>;
}
