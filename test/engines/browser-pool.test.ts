import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { chromium } from 'playwright-core';
import {
  BrowserCrashedError,
  BrowserSessionTimeoutError,
  createBrowserPool,
  type BrowserPool,
  type BrowserSession,
} from '../../src/engines/browser/index.ts';
import { findChromium } from '../../src/engines/browser/chromium-finder.ts';
import { NonRetryableError } from '../../src/engines/index.ts';
import { waitFor } from '../support/wait.ts';

const chromiumFound = findChromium(process.env.CHROMIUM_PATH);
if (!chromiumFound.available)
  console.error(`[test] browser-pool: the Chromium suites are skipped (${chromiumFound.reason})`);

/** A loopback server that counts requests by path. */
async function recordingServer(host: string, page = '') {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    const html = req.url === '/';
    res.writeHead(200, { 'content-type': html ? 'text/html' : 'image/gif' });
    res.end(html ? page : 'GIF89a');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { paths, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The --user-data-dir of a running Chromium, read from its command line. */
function profileDirOf(pid: number): string {
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  return args.find((a) => a.startsWith('--user-data-dir='))!.slice('--user-data-dir='.length);
}

/** Whether the browser process is gone (reaped: `process.kill(pid, 0)` throws). */
const isGone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

/**
 * Processes of the browser's process group (its renderers, GPU and utility processes) still running.
 * Zombies do not count: once the browser is gone they belong to init, which reaps them in its own time.
 */
function liveInGroup(pgid: number): number[] {
  const live: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') live.push(Number(entry));
  }
  return live;
}

/** The browser process at once, its whole process group within 2 s. */
async function expectKilled(pid: number): Promise<void> {
  expect(isGone(pid)).toBe(true);
  await waitFor(() => liveInGroup(pid).length === 0, 2000, `no live process in group ${pid}`);
}

/** Opens the session in playwright-core the way the accessibility engine does, and loads `url`. */
async function load(session: BrowserSession, url: string): Promise<void> {
  const browser = await chromium.connectOverCDP(session.cdpUrl);
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url, { waitUntil: 'load' });
  } finally {
    await browser.close();
  }
}

const never = () => new Promise<never>(() => undefined);

describe.skipIf(!chromiumFound.available)('the Chromium pool', () => {
  const pools: BrowserPool[] = [];
  // `*`: no host name is ever resolved here (Chromium's own services included); only loopback addresses.
  const pool = (settings: Parameters<typeof createBrowserPool>[0]) => {
    const p = createBrowserPool({ refusedHosts: ['*'], ...settings });
    pools.push(p);
    return p;
  };
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  describe('SSRF guard on every request of the page', () => {
    let site: Awaited<ReturnType<typeof recordingServer>>;
    let internal: Awaited<ReturnType<typeof recordingServer>>;
    beforeAll(async () => {
      internal = await recordingServer('127.0.0.2');
      site = await recordingServer(
        '127.0.0.1',
        `<img src="http://169.254.169.254/latest/meta-data/">
         <img src="https://169.254.169.254/secure.gif">
         <script src="http://127.0.0.2:${internal.port}/x.js"></script>
         <img src="/allowed.gif">`,
      );
    });
    afterAll(async () => Promise.all([site.close(), internal.close()]));

    it('loads allowed subresources, refuses metadata and private ones, and lists what it refused', async () => {
      // 127.0.0.1 stands in for a public host; 127.0.0.2 is loopback like any private address.
      const guarded = pool({ allowPrivateTargets: false, publicAddresses: ['127.0.0.1'] });
      const { blocked, peak } = await guarded.withSession(AbortSignal.timeout(60_000), async (s) => {
        await load(s, `http://127.0.0.1:${site.port}/`);
        const peak = await waitFor(() => s.peakMemoryBytes(), 5000, 'a memory sample');
        return { blocked: s.blocked(), peak };
      });
      expect(site.paths).toContain('/allowed.gif');
      expect(internal.paths).toEqual([]);
      expect(blocked).toEqual(
        expect.arrayContaining([
          {
            url: 'http://169.254.169.254/latest/meta-data/',
            reason: '169.254.169.254 is a link-local / cloud metadata address',
          },
          { url: '169.254.169.254:443', reason: '169.254.169.254 is a link-local / cloud metadata address' },
          { url: `http://127.0.0.2:${internal.port}/x.js`, reason: '127.0.0.2 is a loopback address' },
        ]),
      );
      // The peak memory of the Chromium process tree after a page load.
      expect(peak).toBeGreaterThan(10 * 1024 * 1024);
    });

    it('lets everything through when private targets are allowed', async () => {
      const open = pool({ allowPrivateTargets: true });
      const blocked = await open.withSession(AbortSignal.timeout(60_000), async (s) => {
        await load(s, `http://127.0.0.1:${site.port}/`);
        return s.blocked();
      });
      expect(internal.paths).toContain('/x.js');
      expect(blocked.filter((b) => b.url.includes('127.0.0.2'))).toEqual([]);
    });

    it("refuses the refused hosts (Chromium's own services) quietly: never reached, not reported", async () => {
      const quiet = pool({ allowPrivateTargets: true, refusedHosts: ['127.0.0.2'] });
      const before = internal.paths.length;
      const blocked = await quiet.withSession(AbortSignal.timeout(60_000), async (s) => {
        await load(s, `http://127.0.0.1:${site.port}/`);
        return s.blocked();
      });
      expect(internal.paths.length).toBe(before);
      expect(site.paths).toContain('/allowed.gif');
      expect(blocked).toEqual([]);
    });
  });

  it('runs one session at a time with concurrency 1, each in a fresh Chromium', async () => {
    const single = pool({ allowPrivateTargets: true, concurrency: 1 });
    const spans: Array<{ pid?: number; start: number; end: number }> = [];
    const session = () =>
      single.withSession(AbortSignal.timeout(60_000), async (s) => {
        const start = performance.now();
        await load(s, 'about:blank');
        spans.push({ pid: s.pid, start, end: performance.now() });
      });
    await Promise.all([session(), session()]);
    const [first, second] = spans.sort((a, b) => a.start - b.start);
    expect(second!.start).toBeGreaterThanOrEqual(first!.end);
    expect(second!.pid).not.toBe(first!.pid);
  });

  it('lets a waiter whose signal aborts leave the queue at once', async () => {
    const single = pool({ allowPrivateTargets: true, concurrency: 1 });
    let release!: () => void;
    const holding = new Promise<void>((r) => (release = r));
    let started = false;
    const first = single.withSession(AbortSignal.timeout(60_000), async () => {
      started = true;
      await holding;
    });
    await waitFor(() => started, 30_000, 'the first session');
    const waiter = new AbortController();
    const queued = single.withSession(waiter.signal, async () => 'ran');
    waiter.abort(new Error('gave up waiting'));
    await expect(queued).rejects.toThrow('gave up waiting');
    release();
    await first;
    await expect(single.withSession(AbortSignal.timeout(60_000), async () => 'next')).resolves.toBe('next');
  });

  it('on cancel kills Chromium, removes its profile and rejects with the reason without waiting for fn', async () => {
    const p = pool({ allowPrivateTargets: true });
    const controller = new AbortController();
    let pid = 0;
    const running = p.withSession(controller.signal, async (s) => {
      pid = s.pid!;
      return never();
    });
    await waitFor(() => pid, 30_000, 'the session');
    const profile = profileDirOf(pid);
    expect(existsSync(profile)).toBe(true);
    const at = performance.now();
    controller.abort(new Error('cancelled by the user'));
    await expect(running).rejects.toThrow('cancelled by the user');
    // The contract is 2 s (SIGTERM, then SIGKILL after 1 s); 5 s leaves room for a loaded CI machine.
    expect(performance.now() - at).toBeLessThan(5000);
    await expectKilled(pid);
    expect(existsSync(profile)).toBe(false);
  });

  it('rejects with BrowserCrashedError, which the queue retries, when Chromium dies during the run', async () => {
    const p = pool({ allowPrivateTargets: true });
    let pid = 0;
    const running = p.withSession(AbortSignal.timeout(60_000), async (s) => {
      pid = s.pid!;
      return never();
    });
    await waitFor(() => pid, 30_000, 'the session');
    const profile = profileDirOf(pid);
    process.kill(pid, 'SIGKILL');
    const err = await running.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrowserCrashedError);
    expect(err).not.toBeInstanceOf(NonRetryableError);
    expect(err).toMatchObject({ code: 'ERR_BROWSER_CRASHED' });
    await expectKilled(pid);
    expect(existsSync(profile)).toBe(false);
  });

  it('kills a session that outlives the session timeout', async () => {
    const p = pool({ allowPrivateTargets: true, sessionTimeoutMs: 4000 });
    let pid = 0;
    const err = await p
      .withSession(AbortSignal.timeout(60_000), async (s) => {
        pid = s.pid!;
        return never();
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrowserSessionTimeoutError);
    await expectKilled(pid);
  });

  it('close() ends every running session', async () => {
    const p = createBrowserPool({ allowPrivateTargets: true, refusedHosts: ['*'] });
    let pid = 0;
    const running = p.withSession(AbortSignal.timeout(60_000), async (s) => {
      pid = s.pid!;
      return never();
    });
    await waitFor(() => pid, 30_000, 'the session');
    await p.close();
    await expect(running).rejects.toThrow('closed');
    await expectKilled(pid);
  });
});

describe('without Chromium', () => {
  it('is unavailable, says how to install it, and names a CHROMIUM_PATH that is not there', async () => {
    const missing = createBrowserPool({ allowPrivateTargets: true, chromiumPath: '/nonexistent/chromium' });
    expect(missing.availability()).toEqual({
      available: false,
      reason: expect.stringContaining('CHROMIUM_PATH=/nonexistent/chromium'),
    });
    const none = createBrowserPool({ allowPrivateTargets: true, searchPath: '/nonexistent' });
    expect(none.availability()).toEqual({
      available: false,
      reason: 'Chromium was not found: install Chromium (`apt install chromium`) or set CHROMIUM_PATH',
    });
    await expect(none.withSession(AbortSignal.timeout(5000), async () => 1)).rejects.toBeInstanceOf(
      NonRetryableError,
    );
  });
});
