import { readdirSync, readFileSync } from 'node:fs';

// Synchronous on purpose: a tree is ~250 tiny /proc reads (one per thread), ~2 ms in one go, where the
// same reads through the thread pool take ~60 ms of wall time each sample.
function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const task of tasks)
    for (const child of read(`/proc/${pid}/task/${task}/children`).split(/\s+/))
      if (child) out.push(Number(child));
  return out;
}

interface ProcessMemory {
  /** Anonymous and shared-memory pages: the process's own heap, plus the buffers it shares with others. */
  own: number;
  /** File-backed pages: mostly the Chromium binary and its libraries, the same in every process. */
  file: number;
}

function processMemory(pid: number): ProcessMemory {
  const status = read(`/proc/${pid}/status`);
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { own: kb('RssAnon') + kb('RssShmem'), file: kb('RssFile') };
}

/**
 * The resident memory of a process and all its descendants (Linux: /proc/<pid>/task/<tid>/children and
 * each process's status), in bytes: every process's anonymous and shared-memory pages, plus the largest
 * file-backed set once. Summing VmRSS would count the binary and libraries, mapped by each of Chromium's
 * ten-odd processes, once per process (1.3 GB for a simple page where this gives 0.51 GB and the
 * proportional set size is 0.46 GB); PSS itself (smaps_rollup) costs ~150 ms of kernel time per sample on
 * that tree, too much every 500 ms beside a Lighthouse run. So: a slight upper bound, ~3 ms per sample.
 */
export function processTreeMemory(rootPid: number): number {
  let own = 0;
  let file = 0;
  const seen = new Set<number>();
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    if (seen.has(pid) || seen.size >= 1000) continue;
    seen.add(pid);
    const memory = processMemory(pid);
    own += memory.own;
    file = Math.max(file, memory.file);
    pending.push(...childrenOf(pid));
  }
  return own + file;
}

export interface MemorySampler {
  /** The highest sample so far; null before the first sample, and always on non-Linux systems. */
  peak(): number | null;
  stop(): void;
}

/** Samples the tree's memory every `intervalMs` (and once at once) and keeps the peak. */
export function sampleProcessTree(rootPid: number, intervalMs = 500): MemorySampler {
  if (process.platform !== 'linux') return { peak: () => null, stop: () => undefined };
  let peak: number | null = null;
  const sample = () => {
    const bytes = processTreeMemory(rootPid);
    if (bytes > 0 && (peak === null || bytes > peak)) peak = bytes;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return { peak: () => peak, stop: () => clearInterval(timer) };
}
