/**
 * The api tests' target, in its own process: a bare node:http server on loopback answering every request
 * with a small JSON body. Tells the runner `{ type: 'ready', port }`; answers `{ type: 'cpu' }` with its
 * CPU time so far (µs) and the requests it served.
 */
import { createServer } from 'node:http';

const body = JSON.stringify({ ok: true, service: 'fixture', items: [1, 2, 3] });
let served = 0;
const server = createServer((_req, res) => {
  served++;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send!({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('message', (m: { type: string }) => {
  if (m.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send!({ type: 'cpu', cpuUs: user + system, served });
  }
  if (m.type === 'stop') server.close(() => process.exit(0));
});
