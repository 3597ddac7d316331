import type { UserLocale } from '../../../shared/db/index.ts';
import { AppError } from '../../../shared/http/index.ts';
import type { EmailService } from '../../email/index.ts';
import { payloadOf, type ChannelResult, type ChannelSender } from './channel.ts';
import type { ClaimedDelivery } from './delivery.repository.ts';

/** What the e-mail channel needs to know about the rule's owner (the auth module's user directory). */
export interface AlertContacts {
  verifiedContactOf(
    userId: string,
  ): Promise<{ email: string; locale: UserLocale; emailVerified: boolean } | null>;
}

/** A rule's e-mail settings, read when a delivery is attempted (the rule may have changed since). */
export interface EmailRuleLookup {
  (ruleId: string): Promise<{ recipients: string[] | null; platform: boolean } | null>;
}

export const UNVERIFIED =
  "not sent: the rule owner's e-mail address is not verified; verify it (Settings → Account) to receive alert e-mails";
export const NO_OWNER = 'not sent: the rule owner no longer exists';

/**
 * Who gets the e-mail: the rule's list, else for platform rules ADMIN_EMAIL, else the owner. An owner
 * whose address is not verified gets none (an unverified account must not mail anyone), except where
 * the operator named the recipients (ADMIN_EMAIL).
 */
export function recipientsFor(
  rule: { recipients: string[] | null; platform: boolean } | null,
  owner: { email: string; emailVerified: boolean },
  adminEmails: string[],
): { to: string[] } | { skipped: string } {
  if (rule?.recipients?.length)
    return owner.emailVerified ? { to: rule.recipients } : { skipped: UNVERIFIED };
  if (rule?.platform && adminEmails.length) return { to: adminEmails };
  return owner.emailVerified ? { to: [owner.email] } : { skipped: UNVERIFIED };
}

function templateData(row: ClaimedDelivery) {
  const a = payloadOf(row);
  return {
    event: row.event,
    severity: a.severity,
    title: a.title,
    description: a.description,
    ruleName: a.ruleName,
    metric: a.metric,
    seriesKey: a.seriesKey,
    triggeredAt: a.triggeredAt,
    resolvedAt: a.resolvedAt,
    actionUrl: a.actionUrl,
  };
}

/**
 * The e-mail channel: one message per recipient through the EmailService, written to the e-mail outbox
 * in the transaction that records this attempt (so a retry never mails twice); SMTP delivery is the
 * e-mail outbox's (GET /api/admin/outbox). A message the service refuses (a bad address, too large) is final.
 */
export function createEmailChannel(deps: {
  email: Pick<EmailService, 'send'>;
  contacts: AlertContacts;
  rule: EmailRuleLookup;
  adminEmails: string[];
}): ChannelSender {
  return async (row): Promise<ChannelResult> => {
    const owner = await deps.contacts.verifiedContactOf(row.user_id);
    if (!owner) return { kind: 'skipped', error: NO_OWNER };
    const rule = row.rule_id ? await deps.rule(row.rule_id) : null;
    const platform = rule?.platform ?? payloadOf(row).scope === 'platform';
    const who = recipientsFor(rule && { ...rule, platform }, owner, deps.adminEmails);
    if ('skipped' in who) return { kind: 'skipped', error: who.skipped };
    const data = templateData(row);
    return {
      kind: 'delivered',
      write: async (trx) => {
        for (const to of who.to) {
          const sent = await deps.email.send(
            { to, template: 'alert', data, locale: owner.locale, userId: row.user_id },
            { db: trx },
          );
          if (sent.status === 'failed')
            throw new EmailRefused(`${to}: the recipient's rate limit refused it`);
        }
      },
    };
  };
}

/** The e-mail service refused a message: final, the row fails with this reason. */
export class EmailRefused extends Error {}

/** Whether an error thrown by `write` is the e-mail service refusing the message (not worth a retry). */
export function isRefusal(err: unknown): boolean {
  return err instanceof EmailRefused || (err instanceof AppError && err.status < 500);
}
