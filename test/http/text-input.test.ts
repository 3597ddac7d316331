import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { registerUser, testConfig, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';

/** A string the logs must never quote: it rides inside every refused body. */
const MARKER = 'marker-7f3a91';

function expectRefusal(res: LightMyRequestResponse, field: string) {
  expect(res.statusCode).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json<{ code: string; errors: Array<{ field: string; message: string }> }>();
  expect(body.code).toBe('ERR_VALIDATION');
  expect(body.errors).toEqual([{ field, message: expect.any(String) }]);
}

describe.each(TEST_DATABASES)('text the database cannot store is refused with 400 ($name)', (database) => {
  let app: FastifyInstance;
  let user: TestUser;
  let drop: () => Promise<void>;
  const lines: string[] = [];

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    const logStream = new Writable({
      write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()),
    });
    app = await buildApp({ config: testConfig({ LOG_LEVEL: 'info' }, db.config), logStream, worker: false });
    await app.ready();
    user = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  const submit = (options: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: user.auth,
      payload: { type: 'api', url: `http://127.0.0.1:9/${MARKER}`, options },
    });
  const listed = async () =>
    (await app.inject({ url: '/api/tests', headers: user.auth })).json<{ items: unknown[] }>().items.length;

  it.each([
    ['a NUL in a string', { body: 'a\u0000b' }, '/body/options/body'],
    ['a lone surrogate in a string', { body: '\ud800' }, '/body/options/body'],
    ['a NUL property name', { query: { '\u0000': 'x' } }, '/body/options/query'],
    ['a NUL in a header value', { headers: { 'x-probe': 'a\u0000b' } }, '/body/options/headers/x-probe'],
    [
      'a lone low surrogate deep in an array',
      { steps: [{ assertions: [{ source: 'body', target: 'ok\udc00' }] }] },
      '/body/options/steps/0/assertions/0/target',
    ],
  ])('%s, naming the field, and stores nothing', async (_case, options, field) => {
    const before = await listed();
    expectRefusal(await submit(options), field);
    expect(await listed()).toBe(before);
  });

  it('in the query string', async () => {
    expectRefusal(await app.inject({ url: '/api/tests?type=%00', headers: user.auth }), '/querystring/type');
  });

  it('in a request header (the user agent is stored with the session), creating no account', async () => {
    const account = { email: `ua-${Date.now()}@example.test`, password: 'tangerine-orbit-57-quasar-lullaby' };
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'user-agent': `${MARKER}\u0000` },
      payload: account,
    });
    expectRefusal(res, '/headers/user-agent');
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: account })).statusCode).toBe(
      401,
    );
  });

  it('accepts the same submission once the text is clean (the check is specific)', async () => {
    const before = await listed();
    const res = await submit({ body: 'a b', query: { q: 'x' }, headers: { 'x-probe': 'ab' } });
    expect(res.statusCode).toBe(202);
    expect(await listed()).toBe(before + 1);
  });

  it('logged nothing at error level and never quoted a refused body', () => {
    const all = lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(all.some((l) => l.msg === 'incoming request')).toBe(true);
    expect(all.filter((l) => l.level >= 50)).toEqual([]);
    for (const line of lines.filter((l) => l.includes(MARKER))) expect(line).not.toMatch(/"level":(50|60)/);
  });
});
