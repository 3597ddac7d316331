import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Launcher } from 'chrome-launcher';
import { BrowserCrashedError } from './browser-errors.ts';

/**
 * Our flags, after chrome-launcher's defaults (Lighthouse's own set for measured runs: no renderer
 * backgrounding, no timer throttling, no translate or sync traffic), which they do not contradict.
 */
export function chromiumFlags(proxyPort: number): string[] {
  return [
    '--headless=new',
    // The sandbox needs a non-root user (or user namespaces that containers rarely grant root).
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-extensions',
    '--mute-audio',
    // QUIC (HTTP/3 over UDP) would not go through the HTTP proxy below.
    '--disable-quic',
    // Every request of the page goes through the session's guard proxy; `<-loopback>` removes the
    // implicit bypass of localhost and 127.0.0.1, so loopback is checked like any other address.
    `--proxy-server=http://127.0.0.1:${proxyPort}`,
    '--proxy-bypass-list=<-loopback>',
  ];
}

export interface ChromiumProcess {
  pid: number;
  /** The DevTools port on 127.0.0.1. */
  port: number;
  /** Settles when the browser process exits (never rejects). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** SIGTERM to the process group, SIGKILL to it after 1 s (and always, for stragglers). */
  stop(): Promise<void>;
}

export interface LaunchOptions {
  executable: string;
  profileDir: string;
  proxyPort: number;
  timeoutMs: number;
  signal: AbortSignal;
}

const POLL_MS = 50;

// Chromium runs in a process group of its own (detached), so it would outlive a Node process that exits
// without closing the pool (an uncaught exception, process.exit). On exit, SIGKILL every live group.
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function killOnExit(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const group of liveGroups)
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // already gone
      }
  });
}
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

async function stderrTail(profileDir: string): Promise<string> {
  const text = await readFile(path.join(profileDir, 'chrome-err.log'), 'utf8').catch(() => '');
  const lines = text
    .trim()
    .split('\n')
    .filter((l) => !/dbus|DevTools listening/.test(l));
  return lines.slice(-3).join(' | ').slice(-500);
}

/** Starts Chromium with chrome-launcher (Lighthouse's launcher) and waits for its DevTools port. */
export async function launchChromium(o: LaunchOptions): Promise<ChromiumProcess> {
  o.signal.throwIfAborted();
  const launcher = new Launcher({
    chromePath: o.executable,
    chromeFlags: chromiumFlags(o.proxyPort),
    userDataDir: o.profileDir,
    port: 0,
    // chrome-launcher's SIGINT handler would exit the whole process; the app closes itself on signals.
    handleSIGINT: false,
    logLevel: 'silent',
    connectionPollInterval: POLL_MS,
    maxConnectionRetries: Math.ceil(o.timeoutMs / POLL_MS),
    // Crashpad keeps its database under $XDG_CONFIG_HOME/chromium: inside the profile, removed with it.
    envVars: { ...process.env, XDG_CONFIG_HOME: o.profileDir },
  });
  const ready = launcher.launch();
  // launch() spawns synchronously; the child exists from here on (or spawn failed and `error` follows).
  const child = launcher.chromeProcess!;
  if (child.pid) killOnExit(child.pid);
  let exitedFlag = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => ((exitedFlag = true), resolve({ code, signal })));
    child.once('error', () => ((exitedFlag = true), resolve({ code: null, signal: null })));
  });
  const stop = async () => {
    if (!exitedFlag && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, delay(1000)]);
    }
    // SIGKILLs the group (renderers that outlive the browser) and closes the launcher's log files.
    launcher.kill();
    await Promise.race([exited, delay(1000)]);
    if (child.pid) liveGroups.delete(child.pid);
  };
  try {
    await startup(ready, exited, o);
  } catch (err) {
    // Ends chrome-launcher's polling loop, which would otherwise go on until its retries run out.
    (launcher as unknown as { maxConnectionRetries: number }).maxConnectionRetries = 0;
    ready.catch(() => undefined);
    const detail = await stderrTail(o.profileDir);
    await stop();
    if (err instanceof BrowserCrashedError && detail) err.message += `: ${detail}`;
    throw err;
  }
  return { pid: child.pid!, port: launcher.port!, exited, hasExited: () => exitedFlag, stop };
}

async function startup(
  ready: Promise<void>,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  o: LaunchOptions,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    await Promise.race([
      ready.catch((err: unknown) => {
        throw new BrowserCrashedError('Chromium did not open its DevTools port', { cause: err });
      }),
      exited.then(({ code, signal }) => {
        throw new BrowserCrashedError(
          `Chromium (${o.executable}) exited while starting (${signal ?? `exit code ${code}`})`,
        );
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new BrowserCrashedError(`Chromium did not start within ${o.timeoutMs / 1000} s`)),
          o.timeoutMs,
        );
        onAbort = () => reject(o.signal.reason);
        o.signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) o.signal.removeEventListener('abort', onAbort);
  }
}
