/**
 * Starts a command the way a user would, times it to its first 200 on a URL, and reads the resident memory
 * of its whole process tree from /proc (Linux only): the footprint bench's measuring tools.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Every descendant of `root` (and root itself), from the parent ids in /proc/<pid>/stat. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // The command name (field 2) may hold spaces and parentheses: fields after its last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

export interface TreeMemory {
  totalMb: number;
  processes: Array<{ pid: number; name: string; rssMb: number }>;
}

/** VmRSS of every process of the tree, in MB. */
export function treeRss(root: number): TreeMemory {
  const processes: TreeMemory['processes'] = [];
  for (const pid of processTree(root)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      const name = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 3).join(' ');
      processes.push({ pid, name, rssMb: kb / 1024 });
    } catch {
      // exited meanwhile
    }
  }
  return { totalMb: processes.reduce((s, p) => s + p.rssMb, 0), processes };
}

export interface Started {
  child: ChildProcess;
  readyMs: number;
  output: () => string;
}

/** Spawns `command args` in its own process group and resolves once `url` answers 200 (or rejects past `timeoutMs`). */
export async function startAndWait(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; url: string; timeoutMs?: number },
): Promise<Started> {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const deadline = started + (options.timeoutMs ?? 60_000);
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(options.url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return { child, readyMs: performance.now() - started, output: () => out };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await stopTree(child);
  throw new Error(`${options.url} did not answer 200 within ${options.timeoutMs ?? 60_000} ms:\n${out}`);
}

/** SIGTERM to the child's process group, then waits for the child to exit. */
export async function stopTree(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * CPU seconds the tree has used, its exited-and-waited-for children included (utime, stime, cutime,
 * cstime of /proc/<pid>/stat): on shared cores a steadier figure than the wall-clock ready time.
 */
export function treeCpuSeconds(root: number): number {
  const ticks = 100; // USER_HZ on Linux
  let sum = 0;
  for (const pid of processTree(root)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] is field 3 (state): utime..cstime are fields 14–17.
      sum += [11, 12, 13, 14].reduce((s, i) => s + Number(fields[i]), 0);
    } catch {
      // exited meanwhile
    }
  }
  return sum / ticks;
}
