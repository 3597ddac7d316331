import { session } from '../auth/session-store';

/** A server message on /ws (docs/WEBSOCKET_GUIDE.md): every message has these five fields. */
export interface RealtimeMessage<D = Record<string, unknown>> {
  event: string;
  data: D;
  timestamp: number;
  channel: string | null;
  id: string | null;
}

export interface ChannelHandlers {
  message(m: RealtimeMessage): void;
  /** Messages were missed and cannot be replayed (`resume-gap`), or the channel was refused: refetch over REST. */
  gap?(): void;
  error?(code: string, message: string): void;
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

interface Channel {
  handlers: Set<ChannelHandlers>;
  lastId: string | null;
}

/** The `/ws` address of the page's own origin. */
function wsUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/ws`;
}

/**
 * One WebSocket per tab, shared by every component: subscribes the channels components ask for, keeps
 * each channel's last id, and after a disconnect reconnects (refreshing the token on 4401) and resumes
 * every channel from its last id, so nothing is missed; a `resume-gap` tells the channel's handlers to
 * refetch.
 */
export function createRealtimeClient() {
  const channels = new Map<string, Channel>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'closed';
  let attempts = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let wanted = false;

  const setState = (s: ConnectionState) => {
    state = s;
    stateListeners.forEach((l) => l(s));
  };
  const send = (msg: object) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(msg));
  };
  const join = (name: string, ch: Channel) =>
    send(
      ch.lastId
        ? { action: 'resume', channel: name, lastId: ch.lastId }
        : { action: 'subscribe', channel: name },
    );

  function onMessage(raw: MessageEvent) {
    let m: RealtimeMessage;
    try {
      m = JSON.parse(String(raw.data)) as RealtimeMessage;
    } catch {
      return;
    }
    const ch = m.channel ? channels.get(m.channel) : undefined;
    if (!ch) return;
    const data = m.data as { lastId?: string; code?: string; message?: string };
    if (m.event === 'subscribed' || m.event === 'resumed') {
      if (data.lastId && (!ch.lastId || BigInt(data.lastId) > BigInt(ch.lastId))) ch.lastId = data.lastId;
      return;
    }
    if (m.event === 'resume-gap') {
      ch.lastId = data.lastId ?? null;
      ch.handlers.forEach((h) => h.gap?.());
      return;
    }
    if (m.event === 'error') {
      ch.handlers.forEach((h) => h.error?.(data.code ?? 'ERR', data.message ?? ''));
      return;
    }
    if (m.event === 'unsubscribed') return;
    if (m.id) {
      if (ch.lastId && BigInt(m.id) <= BigInt(ch.lastId)) return; // already seen (replay overlap)
      ch.lastId = m.id;
    }
    ch.handlers.forEach((h) => h.message(m));
  }

  function connect() {
    const token = session.accessToken();
    if (!wanted || !token || socket) return;
    setState('connecting');
    const ws = new WebSocket(wsUrl(), ['bearer', token]);
    socket = ws;
    ws.onopen = () => {
      attempts = 0;
      setState('open');
      channels.forEach((ch, name) => join(name, ch));
    };
    ws.onmessage = onMessage;
    ws.onclose = (ev) => {
      socket = null;
      setState('closed');
      if (!wanted) return;
      if (ev.code === 4401) {
        void session.refresh().then((t) => (t ? connect() : undefined));
        return;
      }
      // 4429 (too many connections) waits longer; other closes back off from 0.5 s to 15 s.
      const base = ev.code === 4429 ? 10_000 : 500;
      retry = setTimeout(connect, Math.min(15_000, base * 2 ** attempts++) * (0.8 + Math.random() * 0.4));
    };
  }

  return {
    state: () => state,
    onState(l: (s: ConnectionState) => void) {
      stateListeners.add(l);
      return () => void stateListeners.delete(l);
    },
    /** Opens the socket (after sign-in); a no-op while one is open. */
    start() {
      wanted = true;
      connect();
    },
    /** Closes the socket and forgets every channel position (sign-out). */
    stop() {
      wanted = false;
      clearTimeout(retry);
      socket?.close(1000);
      socket = null;
      channels.forEach((ch) => (ch.lastId = null));
    },
    /** Listens on a channel; the returned function stops listening (and unsubscribes the last listener). */
    subscribe(name: string, handlers: ChannelHandlers): () => void {
      let ch = channels.get(name);
      if (!ch) {
        ch = { handlers: new Set(), lastId: null };
        channels.set(name, ch);
        join(name, ch);
      }
      ch.handlers.add(handlers);
      return () => {
        const c = channels.get(name);
        if (!c) return;
        c.handlers.delete(handlers);
        if (c.handlers.size === 0) {
          channels.delete(name);
          send({ action: 'unsubscribe', channel: name });
        }
      };
    },
  };
}

export type RealtimeClient = ReturnType<typeof createRealtimeClient>;
export const realtime = createRealtimeClient();
