import type { StoredMessage } from './realtime-message.ts';

export interface MessageSink {
  /** `frame` is `text` already encoded, shared by every socket a broadcast goes to. */
  send(text: string, frame?: Buffer): void;
}

/**
 * One connection's interest in one channel stream. It delivers each id at most once and in order: while
 * it syncs (reads the replay buffer) live messages wait in `pending`; replay then pending then live follow,
 * and anything at or below `lastId` is dropped as a duplicate. `pending` holds at most what arrives during
 * one buffer read.
 */
export class Subscription {
  lastId = 0;
  closed = false;
  private pending: { id: number; text: string; frame?: Buffer }[] | null = [];

  constructor(
    readonly channel: string,
    readonly stream: string,
    private readonly sink: MessageSink,
  ) {}

  offer(id: number, text: string, frame?: Buffer): void {
    if (this.closed || id <= this.lastId) return;
    if (this.pending) {
      this.pending.push({ id, text, frame });
      return;
    }
    this.lastId = id;
    this.sink.send(text, frame);
  }

  /** Sends retained messages after `lastId` (during sync, before going live). */
  replay(messages: StoredMessage[]): number {
    let sent = 0;
    for (const m of messages) {
      if (this.closed || m.id <= this.lastId) continue;
      this.lastId = m.id;
      this.sink.send(m.text);
      sent++;
    }
    return sent;
  }

  /** True once replay is done and messages go straight to the connection. */
  get live(): boolean {
    return this.pending === null;
  }

  goLive(): void {
    const pending = this.pending ?? [];
    this.pending = null;
    for (const { id, text, frame } of pending) this.offer(id, text, frame);
  }
}
