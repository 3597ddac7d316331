import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_SECRETS } from '../../support/app.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/worker-child.ts', import.meta.url));

export interface ChildWorker {
  process: ChildProcess;
  /** Resolves when the child printed `line` (e.g. `ready`, `started <id>`). */
  waitFor(line: string, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts `worker-child.ts` in its own Node process with `env` (plus test secrets). */
export function spawnWorker(env: Record<string, string>): ChildWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      ALLOW_PRIVATE_TARGETS: 'true',
      ...TEST_SECRETS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    waitFor(line, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (output.split('\n').includes(line)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `child worker did not print "${line}" within ${timeoutMs} ms (printed: ${output.trim() || 'nothing'})`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        void exited.then(() => {
          if (waiters.has(check)) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`child worker exited before printing "${line}"`));
          }
        });
        check();
      });
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
