import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BrowserCrashedError, createBrowserPool } from '../../src/engines/browser/index.ts';
import { waitFor } from '../support/wait.ts';

// Stand-ins for a Chromium that cannot start: no browser needed, so these run everywhere.
describe('a Chromium that cannot start', () => {
  let dir: string;
  const script = (name: string, body: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\necho $$ > "${file}.pid"\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  const pidOf = (file: string) => Number(readFileSync(`${file}.pid`, 'utf8'));
  const isGone = (pid: number) => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  };
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'testweb-fake-chromium-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects with BrowserCrashedError carrying its last words when it exits at once', async () => {
    const crashing = script('crashing', 'echo "Missing X server or $DISPLAY" >&2\nexit 3');
    const pool = createBrowserPool({ allowPrivateTargets: true, chromiumPath: crashing });
    const err = await pool
      .withSession(AbortSignal.timeout(30_000), async () => 'ran')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrowserCrashedError);
    expect((err as Error).message).toMatch(/exited while starting \(exit code 3\).*Missing X server/);
  });

  it('rejects with BrowserCrashedError and kills it when it does not open its DevTools port in time', async () => {
    const silent = script('silent', 'exec sleep 60');
    const pool = createBrowserPool({
      allowPrivateTargets: true,
      chromiumPath: silent,
      launchTimeoutMs: 1500,
    });
    const err = await pool
      .withSession(AbortSignal.timeout(30_000), async () => 'ran')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrowserCrashedError);
    expect((err as Error).message).toContain('did not start within 1.5 s');
    expect(isGone(pidOf(silent))).toBe(true);
  });

  it('stops starting it when the signal aborts, and rejects with the reason within 2 s', async () => {
    const slow = script('slow', 'exec sleep 60');
    const pool = createBrowserPool({ allowPrivateTargets: true, chromiumPath: slow });
    const controller = new AbortController();
    const starting = pool.withSession(controller.signal, async () => 'ran');
    await waitFor(() => existsSync(`${slow}.pid`), 10_000, 'the process to start');
    const at = performance.now();
    controller.abort(new Error('cancelled while starting'));
    await expect(starting).rejects.toThrow('cancelled while starting');
    // SIGTERM ends `sleep` at once; the contract's 2 s, with room for a loaded machine.
    expect(performance.now() - at).toBeLessThan(5000);
    expect(isGone(pidOf(slow))).toBe(true);
  });
});
