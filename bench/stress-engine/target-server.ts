/**
 * The benchmark's target: a bare node:http server (no framework) in its own process, answering every
 * request with a small fixed body. Prints `PORT <n>` once listening; exits on SIGTERM.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const body = Buffer.from('hello world');
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`PORT ${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
