/** The messages the bench orchestrator (run.ts) exchanges with its server and client processes over IPC. */
export type ServerCommand = { cmd: 'rss' } | { cmd: 'publish'; seq: number } | { cmd: 'stats' };
export type ServerReply =
  | { type: 'ready'; port: number; token: string | null }
  | { type: 'rss'; rss: number; connections: number }
  | { type: 'published'; seq: number }
  | { type: 'stats'; stats: Record<string, number> };

export type ClientCommand =
  { cmd: 'connect' } | { cmd: 'await'; seq: number; timeoutMs: number } | { cmd: 'report' };
export type ClientReply =
  | { type: 'connected'; opened: number; failed: number; ms: number }
  | { type: 'arrived'; seq: number; count: number }
  | { type: 'report'; received: number; p50: number; p99: number; max: number; closedEarly: number };

/** Wall-clock ms with sub-ms resolution, comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function send(message: ServerReply | ClientReply): void {
  process.send!(message);
}

export function gcRss(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage().rss;
}
