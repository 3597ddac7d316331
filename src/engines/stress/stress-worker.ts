/**
 * Entry of a load-generating worker thread. The stress engine starts one or more of these so that the
 * request loop never blocks the process's event loop (API, WebSocket, queue heartbeats).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startLoad } from './load-generator.ts';
import type { LoadConfig, StopMessage, WorkerMessage } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('stress-worker must run in a worker thread');

const post = (message: WorkerMessage) => port.postMessage(message);

try {
  const load = startLoad(workerData as LoadConfig, post);
  port.on('message', (message: StopMessage) => {
    if (message.type === 'stop') void load.stop(message.abort);
  });
  void load.done.then(() => port.close());
} catch (err) {
  post({ type: 'fatal', message: (err as Error).message });
  port.close();
}
