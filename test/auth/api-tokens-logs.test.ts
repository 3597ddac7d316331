import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { registerUser, testConfig } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { connect } from '../realtime/realtime-helpers.ts';

describe.each(TEST_DATABASES)('personal API tokens never reach the logs ($name)', (target) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let wsUrl: string;
  const logs: string[] = [];

  beforeAll(async () => {
    const database = await target.create();
    drop = database.drop;
    const logStream = new Writable({
      write: (chunk: Buffer, _e, done) => (logs.push(chunk.toString()), done()),
    });
    app = await buildApp({ config: testConfig({ LOG_LEVEL: 'debug' }, database.config), logStream });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    wsUrl = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/ws`;
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it('logs neither the token nor its hash, whether it is accepted, refused or revoked', async () => {
    const user = await registerUser(app);
    const created = await app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: user.auth,
      payload: { name: 'ci', scopes: ['tests:read'] },
    });
    const { id, token } = created.json<{ id: string; token: string }>();
    const bearer = { authorization: `Bearer ${token}` };
    expect((await app.inject({ url: '/api/tests', headers: bearer })).statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'POST', url: '/api/tests', headers: bearer, payload: {} })).statusCode,
    ).toBe(403);
    const socket = await connect(wsUrl, token, 'query');
    await socket.event('connected');
    socket.close();
    await app.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers: user.auth });
    expect((await app.inject({ url: '/api/tests', headers: bearer })).statusCode).toBe(401);
    const row = await app.database.db
      .selectFrom('api_tokens')
      .select('token_hash')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

    const text = logs.join('');
    expect(text).toContain(id); // the token's id is logged (created, revoked): the logs were captured
    expect(text).not.toContain(token.slice(3, 40));
    expect(text).not.toContain(row.token_hash);
  });
});
