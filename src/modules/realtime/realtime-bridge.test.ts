import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createLocalEventBus } from '../../shared/events/index.ts';
import { createMessageBroker, type MessageBroker } from './message-broker.ts';
import { createMemoryMessageStore } from './message-store.memory.ts';
import { bridgeTestEvents } from './realtime-bridge.ts';
import type { TestOwnerLookup } from './test-owner.registry.ts';

const silent = { error: () => undefined };
const owners: TestOwnerLookup = { ownerOf: async () => null, remember: async () => undefined };

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('test-event bridge', () => {
  let broker: MessageBroker;
  let stop: () => void;
  afterEach(async () => {
    stop();
    await broker.close();
  });

  /** Bridges a local bus into a memory broker; returns the channels each published message went to. */
  async function bridge(streamsLive: (type: string) => boolean) {
    const events = createLocalEventBus(silent);
    broker = createMessageBroker(createMemoryMessageStore({ size: 10, ageMs: 60_000 }));
    const heard: { channel: string; event: string; testId: string }[] = [];
    await broker.listen((_stream, _id, text) => {
      const m = JSON.parse(text) as { channel: string; event: string; data: { testId: string } };
      heard.push({ channel: m.channel, event: m.event, testId: m.data.testId });
    });
    stop = bridgeTestEvents({ events, broker, owners, streamsLive });
    return { events, heard };
  }

  const payload = (type: string) => ({
    testId: randomUUID(),
    userId: randomUUID(),
    type,
    url: 'http://127.0.0.1:9/',
    progress: 10,
    message: 's1',
    metrics: { rps: 5 },
  });

  it('publishes nothing on stress-test-{testId} for a type that does not stream live', async () => {
    const { events, heard } = await bridge((type) => type === 'live-type');
    const test = payload('still-type');
    await events.publish('TestProgress', test);
    await until(() => heard.some((m) => m.channel === 'test-updates'), 'the test-updates message');
    // Both publishes are issued together, before the bridge's first await: the stress one would be here by now.
    expect(heard).toEqual([{ channel: 'test-updates', event: 'test.progress', testId: test.testId }]);
  });

  it('also publishes on stress-test-{testId} for a type the registry says streams live', async () => {
    const { events, heard } = await bridge((type) => type === 'live-type');
    const test = payload('live-type');
    await events.publish('TestProgress', test);
    await until(() => heard.length === 2, 'both messages');
    expect(heard).toEqual([
      { channel: 'test-updates', event: 'test.progress', testId: test.testId },
      { channel: `stress-test-${test.testId}`, event: 'test.progress', testId: test.testId },
    ]);
  });
});
