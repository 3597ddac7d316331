import { readdir, readFile } from 'node:fs/promises';

async function childrenOf(pid: number): Promise<number[]> {
  let tasks: string[];
  try {
    tasks = await readdir(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const task of tasks) {
    const text = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '');
    for (const child of text.split(/\s+/)) if (child) out.push(Number(child));
  }
  return out;
}

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return kb ? Number(kb[1]) * 1024 : 0;
}

/**
 * The resident memory of a process and all its descendants (Linux: /proc/<pid>/task/<tid>/children and
 * VmRSS), in bytes. Pages shared between Chromium's processes count once per process, so this is an upper
 * bound of what the tree costs; it is what `ps` and a cgroup-less operator see.
 */
export async function processTreeRss(rootPid: number): Promise<number> {
  let total = 0;
  const seen = new Set<number>();
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    if (seen.has(pid) || seen.size >= 1000) continue;
    seen.add(pid);
    total += await rssBytes(pid);
    pending.push(...(await childrenOf(pid)));
  }
  return total;
}

export interface MemorySampler {
  /** The highest sample so far; null before the first sample, and always on non-Linux systems. */
  peak(): number | null;
  stop(): void;
}

/** Samples the tree's RSS every `intervalMs` (and once at once) and keeps the peak. */
export function sampleProcessTree(rootPid: number, intervalMs = 500): MemorySampler {
  if (process.platform !== 'linux') return { peak: () => null, stop: () => undefined };
  let peak: number | null = null;
  let busy = false;
  const sample = () => {
    if (busy) return;
    busy = true;
    processTreeRss(rootPid)
      .then((bytes) => {
        if (bytes > 0 && (peak === null || bytes > peak)) peak = bytes;
      })
      .catch(() => undefined)
      .finally(() => (busy = false));
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return { peak: () => peak, stop: () => clearInterval(timer) };
}
