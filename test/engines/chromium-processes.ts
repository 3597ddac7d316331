import { readdirSync, readFileSync } from 'node:fs';

/** Live Chromium processes descending from this test process (Linux /proc; zombies do not count). */
export function chromiumPids(root = process.pid): number[] {
  const procs = new Map<number, { ppid: number; name: string; state: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split at the last ')'.
      const close = stat.lastIndexOf(')');
      const [state, ppid] = stat.slice(close + 2).split(' ');
      procs.set(Number(entry), {
        ppid: Number(ppid),
        name: stat.slice(stat.indexOf('(') + 1, close),
        state: state!,
      });
    } catch {
      // The process ended while we read.
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = procs.get(pid)?.ppid; p !== undefined && p > 1; p = procs.get(p)?.ppid)
      if (p === root) return true;
    return false;
  };
  return [...procs]
    .filter(([pid, p]) => /chrom/i.test(p.name) && p.state !== 'Z' && descends(pid))
    .map(([pid]) => pid);
}
