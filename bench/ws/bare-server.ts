/**
 * Baseline: a bare `ws` server doing the same job without TestWeb — accept, answer `subscribe`, broadcast
 * one serialized frame to every subscriber. No auth, no channels, no bounds.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { gcRss, nowMs, send, type ServerCommand } from './bench-ipc.ts';

const server = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
  maxPayload: 64 * 1024,
  backlog: 4096,
});
const subscribers = new Set<WebSocket>();
let id = 0;

server.on('connection', (socket) => {
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { action?: string; channel?: string };
    if (message.action === 'subscribe') {
      subscribers.add(socket);
      socket.send(
        JSON.stringify({
          event: 'subscribed',
          data: { lastId: String(id) },
          timestamp: Date.now(),
          channel: message.channel,
          id: null,
        }),
      );
    }
  });
  socket.on('close', () => subscribers.delete(socket));
});

process.on('message', (command: ServerCommand) => {
  if (command.cmd === 'rss') send({ type: 'rss', rss: gcRss(), connections: subscribers.size });
  else if (command.cmd === 'stats') send({ type: 'stats', stats: { subscribers: subscribers.size } });
  else {
    const text = JSON.stringify({
      id: String(++id),
      event: 'bench',
      data: { seq: command.seq, sentAt: nowMs() },
      timestamp: Date.now(),
      channel: 'system-alerts',
    });
    for (const socket of subscribers) socket.send(text);
    send({ type: 'published', seq: command.seq });
  }
});

server.on('listening', () => {
  const address = server.address();
  send({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0, token: null });
});
