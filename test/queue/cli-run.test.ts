import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTestCommand } from '../../src/cli/run.ts';
import { registerUser, type TestUser } from '../support/app.ts';
import { buildQueueApp, queueEnv } from './support/queue-app.ts';

const CLI = fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url));

describe('testweb run', () => {
  let app: FastifyInstance;
  let user: TestUser;
  let server: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'testweb-cli-'));

  beforeAll(async () => {
    app = await buildQueueApp(queueEnv('embedded'), { driver: 'pglite', dir: null });
    user = await registerUser(app);
    server = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(...args: string[]) {
    let out = '';
    let err = '';
    const code = await runTestCommand([...args, '--server', server, '--token', user.accessToken], {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
      isTty: false,
    });
    return { code, out, err };
  }

  it('follows a passing test with a progress bar, prints its result and exits 0', async () => {
    const options = path.join(dir, 'sleep.json');
    writeFileSync(options, JSON.stringify({ ms: 200, tickMs: 50 }));
    const { code, out, err } = await run('sleep', 'http://127.0.0.1:9/cli', '--options', options);
    expect(code).toBe(0);
    expect(err).toMatch(/queued/);
    expect(err).toContain('[##############################] 100%');
    expect(out).toContain('slept 200 ms');
    expect(out).toContain('slept_ms: 200');
    expect(out).toContain('PASSED');
  });

  it('exits 1 when the test misses its thresholds', async () => {
    const { code, out } = await run('below-threshold', 'http://127.0.0.1:9/cli');
    expect(code).toBe(1);
    expect(out).toContain('FAILED');
    expect(out).toContain('[high] slow');
  });

  it('exits 1 when the test fails', async () => {
    const { code, err } = await run('fatal', 'http://127.0.0.1:9/cli');
    expect(code).toBe(1);
    expect(err).toContain('test failed: the target refused the test');
  });

  it('prints the result as JSON with --json', async () => {
    const { code, out } = await run('sleep', 'http://127.0.0.1:9/cli', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ type: 'sleep', passed: true, metrics: { slept_ms: 50 } });
  });

  it.each([
    [['sleep'], 'expected exactly <type> and <url>'],
    [['sleep', 'http://127.0.0.1:9/', '--options', '/nonexistent/file.json'], 'cannot read'],
    [['sleep', 'http://127.0.0.1:9/', '--priority', '11'], '--priority'],
    [['sleep', 'http://127.0.0.1:9/', '--bogus'], 'Unknown option'],
    [['no-such-type', 'http://127.0.0.1:9/'], '/body/type'],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const { code, err } = await run(...args);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  it('exits 2 when the token is refused', async () => {
    let err = '';
    const code = await runTestCommand(
      ['sleep', 'http://127.0.0.1:9/', '--server', server, '--token', 'not-a-token'],
      { out: () => undefined, err: (t) => void (err += t), isTty: false },
    );
    expect(code).toBe(2);
    expect(err).toContain('401');
  });

  it('is wired into the testweb executable', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'run'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('Usage: testweb run <type> <url>');
  }, 150_000);
});
