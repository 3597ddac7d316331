/**
 * The accessibility engine through the product: submitted to the API, run by the queue's worker in the
 * app's Chromium pool, its progress published and its result stored; and cancelled mid-run, with its
 * Chromium gone. Two modes keep the wall time modest: embedded on PGlite, and BullMQ on PostgreSQL when
 * the services are configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_MODES, recordEvents, waitFor } from '../queue/support/queue-app.ts';
import { KNOWN, startA11yFixture, type A11yFixture } from './accessibility-fixtures.ts';
import { chromiumPids } from './chromium-processes.ts';
import { engineProductApp, type TestView } from './engine-product.ts';

const MODES = [
  QUEUE_MODES[0]!,
  ...QUEUE_MODES.filter((m) => m.driver === 'bullmq' && m.database.name === 'postgres'),
];

describe.each(MODES)('the accessibility engine in the product ($name)', (mode) => {
  const p = engineProductApp('accessibility', mode);
  let fx: A11yFixture;
  beforeAll(async () => {
    fx = await startA11yFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });
  const { get, view } = p;
  const submit = (path: string, options: object) => p.submit(`${fx.url}${path}`, options);

  it('runs a submitted test, publishes its progress and stores its result', async ({ skip }) => {
    if (!p.available) return skip();
    const events = recordEvents(p.app, ['TestProgress']);
    const testId = await submit('/violations', { standard: 'best-practice' });
    const done = await waitFor(
      async () => {
        const v = await view(testId);
        return ['completed', 'failed', 'cancelled'].includes(v.status) ? v : undefined;
      },
      60_000,
      'the test to finish',
    );
    expect(done).toMatchObject({ status: 'completed', progress: 100, error: null });
    const messages = events
      .filter((e) => e.payload.testId === testId)
      .map((e) => (e.payload as { message: string }).message);
    expect(messages).toEqual(
      expect.arrayContaining(['Loading the page', 'Waiting for the network to be idle', 'Auditing']),
    );

    const result = (await get(`/api/tests/${testId}/result`)).json<{
      passed: boolean;
      score: number;
      metrics: Record<string, number>;
      details: { violations: Array<{ id: string; nodes: Array<{ target: string }> }> };
    }>();
    expect(result.passed).toBe(false);
    expect(result.metrics).toMatchObject({ violations_critical: 3, violations_serious: 3 });
    for (const k of KNOWN)
      expect(result.details.violations.find((v) => v.id === k.id)?.nodes.map((n) => n.target)).toContain(
        k.target,
      );
    const artifacts = await get(`/api/tests/${testId}/artifacts`);
    expect(artifacts.statusCode).toBe(200);
    expect(artifacts.json<{ items: Array<{ name: string; contentType: string }> }>().items).toEqual([
      expect.objectContaining({ name: 'screenshot.png', contentType: 'image/png', label: 'Screenshot' }),
    ]);
  });

  it('cancels a running test within seconds, and its Chromium is gone', async ({ skip }) => {
    if (!p.available) return skip();
    const before = new Set(chromiumPids());
    const seen = fx.hangs();
    const testId = await submit('/hang', {});
    await waitFor(() => fx.hangs() > seen, 30_000, 'the page request');
    expect((await view(testId)).status).toBe('running');
    expect(chromiumPids().some((p) => !before.has(p))).toBe(true);
    const cancelledAt = Date.now();
    const cancel = await p.app.inject({
      method: 'POST',
      url: `/api/queue/jobs/${testId}/cancel`,
      headers: p.user.auth,
    });
    expect(cancel.json<TestView>().status).toBe('cancelled');
    await waitFor(() => chromiumPids().every((p) => before.has(p)), 5000, 'Chromium to exit');
    expect(Date.now() - cancelledAt).toBeLessThan(5000);
    expect((await view(testId)).status).toBe('cancelled');
  });
});
