import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface ProcessFigures {
  cpuRatio: number | null;
  rssBytes: number;
  heapUsedBytes: number;
  eventLoopP99Seconds: number | null;
}

/**
 * CPU, memory and event-loop lag of this process, each read over the interval since the previous read.
 * The event-loop histogram is the sampler's own (prom-client's resets on every scrape, which would make a
 * sample depend on when Prometheus last came by).
 */
export function createProcessFigures() {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let cpu = process.cpuUsage();
  let at = performance.now();
  return {
    read(): ProcessFigures {
      const nowCpu = process.cpuUsage();
      const now = performance.now();
      const wallMicros = (now - at) * 1000;
      const usedMicros = nowCpu.user - cpu.user + (nowCpu.system - cpu.system);
      cpu = nowCpu;
      at = now;
      const p99 = loop.count > 0 ? loop.percentile(99) / 1e9 : null;
      loop.reset();
      const memory = process.memoryUsage();
      return {
        cpuRatio: wallMicros > 0 ? usedMicros / wallMicros : null,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        eventLoopP99Seconds: p99,
      };
    },
    close: () => loop.disable(),
  };
}
