import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { expectToHold } from '../queue/support/quiet.ts';
import { buildTestApp, registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { inbox, waitFor } from './notifications-helpers.ts';

describe.each(TEST_DATABASES)('quota warnings ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await startSmtpSink();
    const db = await database.create();
    drop = db.drop;
    app = await buildTestApp(
      {
        SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
        EMAIL_POLL_INTERVAL: '50ms',
        SMTP_TIMEOUT: '5s',
        USER_DAILY_TEST_QUOTA: '5',
      },
      db.config,
    );
    await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
    await sink?.close();
  });

  const mailTo = (user: TestUser) => sink.messages.filter((m) => m.envelope.to.includes(user.email));
  const warn = (user: TestUser, resetsAt: string, used = 8) =>
    app.events.publish('QuotaWarning', { userId: user.id, used, quota: 10, resetsAt });

  it('turns a QuotaWarning into a quota_warning in the inbox and by e-mail (the default)', async () => {
    const user = await registerUser(app);
    const resetsAt = '2031-03-05T00:00:00.000Z';
    await warn(user, resetsAt);
    const [n] = await waitFor(
      async () => {
        const { items } = await inbox(app, user).list();
        return items.length ? items : undefined;
      },
      10_000,
      'the warning',
    );
    expect(n).toMatchObject({
      type: 'quota_warning',
      title: 'Daily test quota: 8 of 10 used',
      content: `New tests are refused at 10. The quota resets at ${resetsAt}.`,
      actionUrl: '/tests',
      data: { used: 8, quota: 10, resetsAt },
    });
    const mail = await waitFor(() => mailTo(user)[0], 15_000, 'the e-mail');
    expect(mail.subject).toBe('Daily test quota: 8 of 10 used');
  });

  it('warns once per quota day however often the event comes; the next day warns again', async () => {
    const user = await registerUser(app);
    await warn(user, '2031-03-06T00:00:00.000Z');
    await warn(user, '2031-03-06T00:00:00.000Z', 9);
    await warn(user, '2031-03-07T00:00:00.000Z');
    await waitFor(() => mailTo(user).length === 2, 15_000, 'two e-mails');
    await expectToHold(
      async () => (await inbox(app, user).list()).items.length === 2 && mailTo(user).length === 2,
      500,
      'one warning per day',
    );
    const days = (await inbox(app, user).list()).items.map((n) => (n.data as { resetsAt: string }).resetsAt);
    expect(days.sort()).toEqual(['2031-03-06T00:00:00.000Z', '2031-03-07T00:00:00.000Z']);
  });

  it('a user submitting their 4th of 5 daily tests gets the warning from the quota itself', async () => {
    const user = await registerUser(app);
    for (let i = 0; i < 4; i++) {
      const res = await inbox(app, user).call('POST', '/api/tests', {
        type: 'api',
        url: `http://127.0.0.1:9/quota-${i}`,
      });
      expect(res.statusCode).toBe(202);
    }
    const [n] = await waitFor(
      async () => {
        const { items } = await inbox(app, user).list('?type=quota_warning');
        return items.length ? items : undefined;
      },
      10_000,
      'the quota warning',
    );
    expect(n).toMatchObject({ title: 'Daily test quota: 4 of 5 used', data: { used: 4, quota: 5 } });
    await waitFor(() => mailTo(user).find((m) => m.subject === n!.title), 15_000, 'its e-mail');
  });
});
