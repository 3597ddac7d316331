import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryMessageStore } from './message-store.memory.ts';
import { messageBody } from './realtime-message.ts';
import type { MessageStore } from './message-store.ts';

describe('memory message store', () => {
  let store: MessageStore;
  afterEach(async () => store.close());

  it('numbers each stream on its own from a time-based base, keeps the last N, and fans out in order', async () => {
    store = createMemoryMessageStore({ size: 3, ageMs: 60_000 });
    const heard: string[] = [];
    await store.listen((stream, id) => void heard.push(`${stream}#${id}`));
    const before = Date.now();
    const { head } = await store.read('a');
    expect(head).toBeGreaterThanOrEqual(before);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await store.append('a', messageBody('e', { i }, 'system-alerts', Date.now()), Date.now()));
    const other = await store.append('b', messageBody('e', {}, 'system-alerts', Date.now()), Date.now());
    expect(ids).toEqual([1, 2, 3, 4, 5].map((k) => head + k));
    expect(other).toBeGreaterThanOrEqual(before);
    const snapshot = await store.read('a');
    expect(snapshot.head).toBe(head + 5);
    expect(snapshot.messages.map((m) => m.id)).toEqual([head + 3, head + 4, head + 5]);
    expect(JSON.parse(snapshot.messages[0]!.text)).toMatchObject({
      id: String(head + 3),
      event: 'e',
      data: { i: 2 },
      channel: 'system-alerts',
    });
    expect(heard.slice(0, 5)).toEqual(ids.map((id) => `a#${id}`));
  });

  it('drops messages older than the buffer age from replay', async () => {
    store = createMemoryMessageStore({ size: 10, ageMs: 1000 });
    const old = Date.now() - 5000;
    await store.append('a', messageBody('e', {}, 'system-alerts', old), old);
    const fresh = await store.append('a', messageBody('e', {}, 'system-alerts', Date.now()), Date.now());
    expect((await store.read('a')).messages.map((m) => m.id)).toEqual([fresh]);
  });
});
