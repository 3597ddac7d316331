/**
 * Entry of the worker thread one Lighthouse run lives in (run-lighthouse.ts explains why a thread).
 * Lighthouse's modules are imported here only, so the server's own thread never loads them.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import lighthouse from 'lighthouse';
import * as constants from 'lighthouse/core/config/constants.js';
import desktop from 'lighthouse/core/config/desktop-config.js';
import { lighthouseSettings, type DesktopConfig, type LighthouseConstants } from './lighthouse-config.ts';
import type { LighthouseJob, WorkerMessage } from './lighthouse-protocol.ts';
import { phaseOf, type Phase } from './lighthouse-progress.ts';

const port = parentPort;
if (!port) throw new Error('lighthouse-worker must run in a worker thread');
const post = (message: WorkerMessage) => port.postMessage(message);

interface StatusLog {
  events: { on(event: 'status', listener: (args: unknown[]) => void): unknown };
}

// Lighthouse logs its steps on lighthouse-logger's emitter, resolved from Lighthouse's own location so
// this is the very instance it logs to. In this thread it carries this run's messages only.
async function statusLog(): Promise<StatusLog> {
  const fromLighthouse = createRequire(createRequire(import.meta.url).resolve('lighthouse'));
  const url = pathToFileURL(fromLighthouse.resolve('lighthouse-logger')).href;
  return ((await import(url)) as { default: StatusLog }).default;
}

async function main(job: LighthouseJob): Promise<void> {
  let last: Phase | null = null;
  (await statusLog()).events.on('status', (args) => {
    const phase = typeof args[1] === 'string' ? phaseOf(args[1]) : null;
    if (phase && phase !== last) post({ type: 'phase', phase: (last = phase) });
  });
  const { flags, config } = lighthouseSettings(
    job.options,
    job.port,
    constants as unknown as LighthouseConstants,
    desktop as DesktopConfig,
  );
  const result = await lighthouse(job.url, flags, config);
  if (!result) throw new Error('Lighthouse returned no result');
  const [json = '', html = ''] = Array.isArray(result.report) ? result.report : [result.report];
  post({ type: 'done', json, html, hostProduct: result.artifacts?.HostProduct ?? null });
}

main(workerData as LighthouseJob).then(
  () => port.close(),
  (err: unknown) => {
    const e = err as { message?: string; code?: string };
    post({ type: 'failed', message: e.message ?? String(err), code: e.code ?? null });
    port.close();
  },
);
