import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/shared/crypto/index.ts';
import { ValidationError } from '../../src/shared/http/index.ts';
import { registerUser, TEST_SECRETS, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import {
  buildDeliveryApp,
  fire,
  insertRule,
  settled,
  startReceiver,
  type DeliveryApp,
  type Receiver,
} from './delivery-helpers.ts';

/** With ALLOW_PRIVATE_TARGETS=false, as in production: the loopback receiver counts as private. */
describe.each(TEST_DATABASES)('alert webhooks and the SSRF guard ($name)', (database) => {
  let h: DeliveryApp;
  let db: Awaited<ReturnType<typeof database.create>>;
  let receiver: Receiver;
  let user: TestUser;

  beforeAll(async () => {
    db = await database.create();
    h = await buildDeliveryApp({ ALLOW_PRIVATE_TARGETS: 'false' }, db.config);
    receiver = await startReceiver();
    await registerUser(h.app);
    user = await registerUser(h.app);
  });
  afterAll(async () => {
    await h?.app.close();
    await receiver?.close();
    await db?.drop();
  });

  const create = (url: string) =>
    h.app.database.db.transaction().execute((trx) => h.delivery.webhooks.create(trx, user.id, url));

  it.each([
    ['loopback', 'http://127.0.0.1:8080/hook'],
    ['a name of loopback', 'http://localhost:8080/hook'],
    ['IPv6 loopback', 'http://[::1]/hook'],
    ['the metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['a private network', 'https://10.1.2.3/hook'],
    ['another scheme', 'ftp://hooks.example.test/'],
    ['credentials in the URL', 'https://user:pw@hooks.example.test/'],
  ])('refuses %s at creation with a 400 naming webhookUrl', async (_what, url) => {
    const err = await create(url).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).status).toBe(400);
    expect((err as ValidationError).errors).toEqual([expect.objectContaining({ field: '/body/webhookUrl' })]);
    const rows = await h.app.database.db
      .selectFrom('alert_webhooks')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    expect(rows).toEqual([]);
  });

  it('refuses on the attempt a URL that resolves privately now (DNS rebinding): no request is sent', async () => {
    // As if the name had resolved publicly at creation: the endpoint row is written directly.
    const box = createSecretBox(TEST_SECRETS.ENCRYPTION_KEY);
    const endpoint = await h.app.database.db
      .insertInto('alert_webhooks')
      .values({
        user_id: user.id,
        url: `http://localhost:${receiver.port}/hook`,
        secret_sealed: box.seal('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { rule } = await insertRule(h.app, h.delivery, user);
    const withEndpoint = await h.app.database.db
      .updateTable('alert_rules')
      .set({ webhook_id: endpoint.id })
      .where('id', '=', rule.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const alert = await fire(h.app, h.delivery, withEndpoint);
    const d = await settled(h.app, user, alert.id, 'failed');
    expect(d.attemptCount).toBe(1);
    expect(d.attempts).toEqual([expect.objectContaining({ ok: false, statusCode: null })]);
    expect(d.attempts[0]!.error).toMatch(/SSRF guard/);
    expect(d.attempts[0]!.error).toMatch(/127\.0\.0\.1|::1|loopback/);
    expect(receiver.received).toEqual([]);
  });
});
