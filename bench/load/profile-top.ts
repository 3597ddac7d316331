/** The top self-time functions of a V8 .cpuprofile (`node --cpu-prof`), with their share of the samples. */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  fn: string;
  where: string;
  ms: number;
  share: number;
}

/** Self time per function (by name and location), largest first; `(idle)` left out of the shares. */
export function topSelfTime(file: string, top = 25): { busyMs: number; functions: SelfTime[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, { fn: string; where: string; us: number }>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const us = profile.timeDeltas[i] ?? 0;
    if (frame.functionName === '(idle)') return;
    busy += us;
    const where = frame.url
      ? `${frame.url.replace(/^file:\/\/.*?node_modules\//, '~/').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/')}:${frame.lineNumber + 1}`
      : '';
    const key = `${frame.functionName}@${where}`;
    const entry = self.get(key) ?? { fn: frame.functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    self.set(key, entry);
  });
  const functions = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({
      fn: e.fn,
      where: e.where,
      ms: Math.round(e.us / 1000),
      share: Math.round((e.us / busy) * 1000) / 10,
    }));
  return { busyMs: Math.round(busy / 1000), functions };
}

/** Self time summed per package (node_modules/<name>), per src/ folder, or node's own internals. */
export function selfTimeByOwner(file: string): Array<{ owner: string; share: number }> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const owners = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') return;
    const us = profile.timeDeltas[i] ?? 0;
    busy += us;
    const url = frame.url;
    const owner =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
      /\/src\/((?:modules|shared|engines)\/[^/]+|[^/]+)/.exec(url)?.[1] ??
      (url.startsWith('node:')
        ? 'node internals'
        : frame.functionName.startsWith('(')
          ? frame.functionName
          : 'native/V8');
    owners.set(owner, (owners.get(owner) ?? 0) + us);
  });
  return [...owners]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20)
    .map(([owner, us]) => ({ owner, share: Math.round((us / busy) * 1000) / 10 }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { busyMs, functions } = topSelfTime(process.argv[2]!, Number(process.argv[3] ?? 30));
  console.log(`busy ${busyMs} ms`);
  for (const f of functions)
    console.log(`${String(f.share).padStart(5)} %  ${String(f.ms).padStart(7)} ms  ${f.fn}  ${f.where}`);
  for (const o of selfTimeByOwner(process.argv[2]!))
    console.log(`${String(o.share).padStart(5)} %  ${o.owner}`);
}
