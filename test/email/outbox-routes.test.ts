import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { buildEmailApp, dropVerificationMail, notification, type OutboxView } from './email-helpers.ts';

describe.each(TEST_DATABASES)('/api/admin/outbox ($name)', (database) => {
  let app: FastifyInstance;
  let admin: TestUser;
  let user: TestUser;
  let drop: () => Promise<void>;
  const ids: string[] = [];

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    ({ app } = await buildEmailApp({ EMAIL_RATE_LIMIT_RECIPIENT: '3/1h' }, db.config));
    admin = await registerUser(app);
    user = await registerUser(app);
    await dropVerificationMail(app);
    // Four to one address: the fourth is over the limit (failed); written one after another, oldest first.
    for (let i = 1; i <= 4; i++) {
      const sent = await app.email.send({
        ...notification('reader@example.test', { title: `Message ${i}`, content: `Body ${i}` }),
        userId: user.id,
      });
      ids.push(sent.id);
    }
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  const get = (url: string, who: TestUser = admin) => app.inject({ url, headers: who.auth });

  it('lists messages newest first, without bodies, in cursor pages', async () => {
    const first = await get('/api/admin/outbox?limit=3');
    expect(first.statusCode).toBe(200);
    const page1 = first.json<{ items: OutboxView[]; nextCursor: string | null }>();
    expect(page1.items.map((i) => i.subject)).toEqual(['Message 4', 'Message 3', 'Message 2']);
    expect(page1.items[0]).toMatchObject({
      id: ids[3],
      userId: user.id,
      to: 'reader@example.test',
      status: 'failed',
    });
    expect(page1.items[0]).not.toHaveProperty('text');
    expect(page1.items[0]).not.toHaveProperty('html');
    const page2 = (await get(`/api/admin/outbox?limit=3&cursor=${page1.nextCursor}`)).json<{
      items: OutboxView[];
      nextCursor: string | null;
    }>();
    expect(page2.items.map((i) => i.subject)).toEqual(['Message 1']);
    expect(page2.nextCursor).toBeNull();
  });

  it('filters by status', async () => {
    const failed = (await get('/api/admin/outbox?status=failed')).json<{ items: OutboxView[] }>();
    expect(failed.items.map((i) => i.id)).toEqual([ids[3]]);
    const pending = (await get('/api/admin/outbox?status=pending')).json<{ items: OutboxView[] }>();
    expect(pending.items).toHaveLength(3);
  });

  it('shows one message with its text and HTML parts', async () => {
    const res = await get(`/api/admin/outbox/${ids[0]}`);
    expect(res.statusCode).toBe(200);
    const m = res.json<OutboxView>();
    expect(m).toMatchObject({
      id: ids[0],
      subject: 'Message 1',
      status: 'pending',
      attempts: 0,
      lastError: null,
    });
    expect(m.text).toContain('Body 1');
    expect(m.html).toContain('<p style="margin:0 0 12px;white-space:pre-wrap">Body 1</p>');
  });

  it('queues a failed message again with attempts 0, and refuses (409) one that is not failed', async () => {
    const retried = await app.inject({
      method: 'POST',
      url: `/api/admin/outbox/${ids[3]}/retry`,
      headers: admin.auth,
    });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ id: ids[3], status: 'pending', attempts: 0, lastError: null });
    const again = await app.inject({
      method: 'POST',
      url: `/api/admin/outbox/${ids[3]}/retry`,
      headers: admin.auth,
    });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.json()).toMatchObject({ status: 409, code: 'ERR_NOT_FAILED' });
  });

  it('answers 403 to a user who is not an admin, on every route', async () => {
    for (const [method, url] of [
      ['GET', '/api/admin/outbox'],
      ['GET', `/api/admin/outbox/${ids[0]}`],
      ['POST', `/api/admin/outbox/${ids[0]}/retry`],
    ] as const) {
      const res = await app.inject({ method, url, headers: user.auth });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    expect((await app.inject({ url: '/api/admin/outbox' })).statusCode).toBe(401);
  });

  it('answers 404 for an unknown id', async () => {
    const unknown = '0b7c4a53-39a4-4d0e-9b52-7f4d8a3b6f10';
    expect((await get(`/api/admin/outbox/${unknown}`)).statusCode).toBe(404);
    const retry = await app.inject({
      method: 'POST',
      url: `/api/admin/outbox/${unknown}/retry`,
      headers: admin.auth,
    });
    expect(retry.statusCode).toBe(404);
  });

  it.each([
    ['/api/admin/outbox?status=queued', '/querystring/status'],
    ['/api/admin/outbox?limit=101', '/querystring/limit'],
    ['/api/admin/outbox?cursor=not-a-cursor', '/querystring/cursor'],
    ['/api/admin/outbox?colour=red', '/querystring/colour'],
    ['/api/admin/outbox/not-a-uuid', '/params/id'],
  ])('answers 400 naming the field for %s', async (url, field) => {
    const res = await get(url);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain(field);
  });
});
