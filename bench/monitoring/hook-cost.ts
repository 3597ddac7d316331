/**
 * The HTTP histogram's own cost per request, measured in this process where other load on the machine
 * barely moves it: the onResponse hook registerHttpMetrics gives a route, called as Fastify calls it, against
 * prom-client's Histogram.observe with the same labels (what the hook replaced). CPU ns per call.
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { Histogram, Registry } from 'prom-client';
import { registerHttpMetrics } from '../../src/modules/monitoring/index.ts';

const CALLS = 2_000_000;

function cpuNs(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / CALLS;
}

export async function measureHookCost(): Promise<{ route_hook_ns: number; prom_client_observe_ns: number }> {
  const app = Fastify();
  registerHttpMetrics(app, new Registry());
  let hook: ((req: FastifyRequest, reply: FastifyReply, done: () => void) => void) | undefined;
  app.addHook('onRoute', (route) => void (hook = [route.onResponse].flat().at(-1) as typeof hook));
  app.get('/x', async () => 'ok');
  await app.ready();
  const request = { method: 'GET', is404: false } as unknown as FastifyRequest;
  const reply = { statusCode: 200, elapsedTime: 0 } as { statusCode: number; elapsedTime: number };
  const done = () => undefined;
  const histogram = new Histogram({
    name: 'bench_http_request_duration_seconds',
    help: 'bench',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [],
  });
  const labels = { method: 'GET', route: '/x', status_class: '2xx' };
  const viaHook = () => {
    for (let i = 0; i < CALLS; i++) {
      reply.elapsedTime = i % 100;
      hook!(request, reply as unknown as FastifyReply, done);
    }
  };
  const viaPromClient = () => {
    for (let i = 0; i < CALLS; i++) histogram.observe(labels, (i % 100) / 1000);
  };
  viaHook();
  viaPromClient();
  const result = {
    route_hook_ns: Math.round(cpuNs(viaHook) * 10) / 10,
    prom_client_observe_ns: Math.round(cpuNs(viaPromClient) * 10) / 10,
  };
  await app.close();
  return result;
}
