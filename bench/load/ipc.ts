/** Messages between bench/load's runner and its two child processes (server.ts, loadgen.ts). */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface CpuSample {
  /** user + system CPU time of the process since it started, in ms. */
  cpuMs: number;
  rssMb: number;
  /** Event-loop delay since the previous sample: a process short of CPU (or blocking) shows it here. */
  loopDelay: { p50: number; p99: number; max: number };
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
    /** Expected terminal events that never arrived for tests that did finish, plus holes in the ids. */
    lost: number;
    /** Submitted tests still queued or running after the drain (their events are not counted lost). */
    unfinished: number;
    idHoles: number;
    closedEarly: number;
    messages: number;
  };
  signInSeconds: number;
}

export type LoadMessage =
  | { type: 'signed-in'; users: number; seconds: number }
  | { type: 'running' }
  | { type: 'report'; report: LoadReport; cpuMs: number; rssMb: number; loopDelay: CpuSample['loopDelay'] }
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

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();

/** This process's CPU time, RSS and event-loop delay since the previous call. */
export function cpuSample(): CpuSample {
  const cpu = process.cpuUsage();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const loopDelay = { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) };
  delay.reset();
  return {
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    rssMb: Math.round(process.memoryUsage().rss / 1048576),
    loopDelay,
  };
}
