import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startFixtureServer, type FixtureServer } from '../fixtures/target-server.fixture.ts';
import { expectToHold } from '../queue/support/quiet.ts';
import { connectAuthed, type WireMessage } from '../realtime/realtime-helpers.ts';
import { buildTestApp, registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../support/smtp-sink.ts';
import type { EventMap } from '../../src/shared/events/index.ts';
import { inbox, waitFor, type Notification } from './notifications-helpers.ts';

const PUBLIC_URL = 'https://testweb.example';

describe.each(TEST_DATABASES)('notifications from real tests ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let sink: SmtpSink;
  let fixture: FixtureServer;
  let wsUrl: string;
  const completed: EventMap['TestCompleted'][] = [];

  beforeAll(async () => {
    sink = await startSmtpSink();
    fixture = await startFixtureServer();
    const db = await database.create();
    drop = db.drop;
    app = await buildTestApp(
      {
        SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
        EMAIL_POLL_INTERVAL: '50ms',
        SMTP_TIMEOUT: '5s',
        PUBLIC_URL,
        // A run that outlasts this fails at once (a job timeout is not retried): the engine-error case.
        QUEUE_JOB_TIMEOUT: '2s',
        AUTH_RATE_LIMIT_IP: '1000/1m',
      },
      db.config,
    );
    app.events.subscribe('TestCompleted', (e) => void completed.push(e));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    wsUrl = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/ws`;
    await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
    await sink?.close();
    await fixture?.close();
  });

  /** Submits an api test through the API and waits for it to finish. */
  async function runTest(
    user: TestUser,
    path: string,
    options: object,
  ): Promise<{ testId: string; status: string }> {
    const res = await app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: user.auth,
      payload: { type: 'api', url: `${fixture.url}${path}`, options },
    });
    if (res.statusCode !== 202) throw new Error(`submit: ${res.statusCode} ${res.body}`);
    const { testId } = res.json<{ testId: string }>();
    return waitFor(
      async () => {
        const view = (await inbox(app, user).call('GET', `/api/tests/${testId}`)).json<{ status: string }>();
        return ['completed', 'failed'].includes(view.status) ? { testId, status: view.status } : undefined;
      },
      20_000,
      `test ${testId} to finish`,
    );
  }

  const passing = { assertions: [{ source: 'status', comparison: 'equals', target: 200 }] };
  const failing = { assertions: [{ source: 'status', comparison: 'equals', target: 201 }] };
  const mailTo = (user: TestUser) => sink.messages.filter((m) => m.envelope.to.includes(user.email));
  const oneNotification = (user: TestUser, testId: string) =>
    waitFor(
      async () => (await inbox(app, user).list()).items.find((n) => n.data?.testId === testId),
      10_000,
      `the notification of ${testId}`,
    );
  const oneMail = (user: TestUser, subject: string) =>
    waitFor(() => mailTo(user).find((m) => m.subject === subject), 15_000, `the e-mail "${subject}"`);

  it('a passing test: test_completed in the inbox and live, and no e-mail by default', async () => {
    const user = await registerUser(app);
    const client = await connectAuthed(wsUrl, user.accessToken);
    await client.subscribe('user-notifications');
    const run = await runTest(user, '/json', passing);
    expect(run.status).toBe('completed');
    const n = await oneNotification(user, run.testId);
    expect(n).toMatchObject({
      type: 'test_completed',
      title: `Test completed: api ${fixture.url}/json`,
      content: 'All checks passed.',
      actionUrl: `/tests/${run.testId}`,
      data: { testId: run.testId, type: 'api', passed: true, score: null, error: null },
      read: false,
    });
    const pushed = await client.next((m: WireMessage) => m.event === 'notification');
    expect(pushed.data).toEqual(n);
    expect((await client.next((m) => m.event === 'notification.unread-count')).data).toEqual({ count: 1 });
    client.close();
    // A failing test of the same user is mailed: once that mail is here, the passing one had its chance.
    const bad = await runTest(user, '/json', failing);
    await oneMail(user, `Test failed: api ${fixture.url}/json`);
    expect(mailTo(user)).toHaveLength(1);
    expect((await oneNotification(user, bad.testId)).type).toBe('test_failed');
  });

  it('a test whose checks fail: test_failed in the inbox and by e-mail, with a link to the test', async () => {
    const user = await registerUser(app);
    const run = await runTest(user, '/json', failing);
    expect(run.status).toBe('completed');
    const n = await oneNotification(user, run.testId);
    expect(n).toMatchObject({
      type: 'test_failed',
      title: `Test failed: api ${fixture.url}/json`,
      content: 'The checks did not pass.',
      data: { testId: run.testId, passed: false, score: null, error: null },
    });
    const mail: ReceivedMail = await oneMail(user, n.title);
    expect(mail.envelope.to).toEqual([user.email]);
    expect(mail.text).toContain('The checks did not pass.');
    expect(mail.text).toContain(`${PUBLIC_URL}/tests/${run.testId}`);
    expect(mail.html).toContain(`href="${PUBLIC_URL}/tests/${run.testId}"`);
  });

  it('an engine error (the run timed out): test_failed with the error, by e-mail; a manual retry notifies again', async () => {
    const user = await registerUser(app);
    const run = await runTest(user, '/slow?ms=20000', { timeoutMs: 30_000 });
    expect(run.status).toBe('failed');
    const n = await oneNotification(user, run.testId);
    expect(n).toMatchObject({
      type: 'test_failed',
      title: `Test failed: api ${fixture.url}/slow?ms=20000`,
      content: 'Error: the test ran longer than 2 s',
      data: { testId: run.testId, passed: false, score: null, error: 'the test ran longer than 2 s' },
    });
    await oneMail(user, n.title);
    const retry = await inbox(app, user).call('POST', `/api/queue/jobs/${run.testId}/retry`);
    expect(retry.statusCode).toBe(200);
    await waitFor(async () => (await inbox(app, user).count()) === 2, 20_000, 'the retry’s notification');
    await waitFor(() => mailTo(user).length === 2, 15_000, 'the retry’s e-mail');
    const both = (await inbox(app, user).list()).items;
    expect(both.map((x) => x.data?.testId)).toEqual([run.testId, run.testId]);
  });

  it('follows the preferences: e-mail off → in-app only; in-app off → e-mail only; both off → nothing', async () => {
    const [mailOff, inAppOff, allOff] = [
      await registerUser(app),
      await registerUser(app),
      await registerUser(app),
    ];
    const prefs = (user: TestUser, payload: object) =>
      inbox(app, user).call('PUT', '/api/notifications/preferences', payload);
    await prefs(mailOff, { categories: { test_failed: { email: false } } });
    await prefs(inAppOff, { categories: { test_failed: { in_app: false } } });
    await prefs(allOff, { emailEnabled: false, pushEnabled: false });
    const runs = [];
    for (const user of [mailOff, inAppOff, allOff]) runs.push(await runTest(user, '/json', failing));
    await oneNotification(mailOff, runs[0]!.testId);
    const title = `Test failed: api ${fixture.url}/json`;
    await oneMail(inAppOff, title);
    // Each path had its chance (the mail of one, the inbox of another); the rest stays empty.
    await expectToHold(
      async () =>
        mailTo(mailOff).length === 0 &&
        mailTo(allOff).length === 0 &&
        (await inbox(app, inAppOff).list()).items.length === 0 &&
        (await inbox(app, allOff).list()).items.length === 0,
      1000,
      'no notification on the channels that are off',
    );
  });

  it('writes in the user’s language (zh-CN): the inbox and the e-mail', async () => {
    const user = await registerUser(app);
    const patch = await inbox(app, user).call('PATCH', '/api/auth/me', { locale: 'zh-CN' });
    expect(patch.statusCode).toBe(200);
    const run = await runTest(user, '/json', failing);
    const n = await oneNotification(user, run.testId);
    expect(n.title).toBe(`测试失败：api ${fixture.url}/json`);
    expect(n.content).toBe('检查未通过。');
    const mail = await oneMail(user, n.title);
    expect(mail.text).toContain('检查未通过。');
  });

  it('the same event delivered twice gives one notification and one e-mail', async () => {
    const user = await registerUser(app);
    const run = await runTest(user, '/json', failing);
    const n: Notification = await oneNotification(user, run.testId);
    await oneMail(user, n.title);
    const event = completed.find((e) => e.testId === run.testId)!;
    expect(event.runId).toEqual(expect.any(String));
    await app.events.publish('TestCompleted', { ...event });
    // A later event of the same user proves the duplicate was handled before it.
    const later = await runTest(user, '/json', passing);
    await oneNotification(user, later.testId);
    const items = (await inbox(app, user).list()).items;
    expect(items.filter((x) => x.data?.testId === run.testId)).toHaveLength(1);
    await expectToHold(() => mailTo(user).length === 1, 500, 'one e-mail');
  });
});
