import { describe, expect, it } from 'vitest';
import { Subscription } from './subscription.ts';

function recorder() {
  const sent: string[] = [];
  return { sent, sink: { send: (text: string) => void sent.push(text) } };
}

const stored = (id: number) => ({ id, timestamp: Date.now(), text: `m${id}` });

describe('Subscription', () => {
  it('holds live messages while syncing, then sends replay, then pending, each id once and in order', () => {
    const { sent, sink } = recorder();
    const sub = new Subscription('test-updates', 'test-updates:u1', sink);
    sub.offer(12, 'm12'); // arrived live while the buffer was being read
    sub.offer(11, 'm11');
    sub.lastId = 9;
    expect(sub.replay([stored(8), stored(9), stored(10), stored(11)])).toBe(2);
    sub.goLive();
    sub.offer(12, 'm12'); // a duplicate from a second path
    sub.offer(13, 'm13');
    expect(sent).toEqual(['m10', 'm11', 'm12', 'm13']);
    expect(sub.lastId).toBe(13);
  });

  it('sends nothing once closed', () => {
    const { sent, sink } = recorder();
    const sub = new Subscription('system-alerts', 'system-alerts', sink);
    sub.goLive();
    sub.closed = true;
    sub.offer(1, 'm1');
    expect(sent).toEqual([]);
  });
});
