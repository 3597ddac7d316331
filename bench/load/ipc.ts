/** Messages between bench/load's runner and its two child processes (server.ts, loadgen.ts). */

export interface CpuSample {
  /** user + system CPU time of the process since it started, in ms. */
  cpuMs: number;
  rssMb: number;
}

export type ServerMessage =
  | { type: 'ready'; port: number; emails: string[]; password: string; seedSeconds: number }
  | ({ type: 'cpu' } & CpuSample)
  | { type: 'closed' }
  | { type: 'profiled' };
/** `profile-stop` writes the CPU profile (node:inspector) of the window since `profile-start` to `file`. */
export type ServerCommand =
  { cmd: 'cpu' } | { cmd: 'close' } | { cmd: 'profile-start' } | { cmd: 'profile-stop'; file: string };

/** One route's latency figures, in ms. */
export interface RouteFigures {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LoadReport {
  users: number;
  durationS: number;
  iterations: number;
  requests: number;
  routes: Record<string, RouteFigures>;
  all: RouteFigures;
  errors: Record<string, number>;
  submitted: number;
  ws: {
    opened: number;
    /** Terminal events (test.completed / test.failed) expected: one per test the user submitted. */
    expected: number;
    received: number;
    /** Expected terminal events that never arrived, plus holes in each channel's message ids. */
    lost: number;
    idHoles: number;
    closedEarly: number;
    messages: number;
  };
  signInSeconds: number;
}

export type LoadMessage =
  | { type: 'signed-in'; users: number; seconds: number }
  | { type: 'running' }
  | { type: 'report'; report: LoadReport; cpuMs: number; rssMb: number }
  | { type: 'failed'; error: string };

export interface LoadPlan {
  baseUrl: string;
  targetUrl: string;
  emails: string[];
  password: string;
  durationS: number;
  thinkMs: number;
  submitEveryMs: number;
  /** How long after the run the submitted tests' completion events may still arrive. */
  drainMs: number;
}
export type LoadCommand = { cmd: 'run'; plan: LoadPlan };

export function cpuSample(): CpuSample {
  const cpu = process.cpuUsage();
  return {
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    rssMb: Math.round(process.memoryUsage().rss / 1048576),
  };
}
