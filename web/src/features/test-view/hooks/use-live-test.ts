import { useQueryClient } from '@tanstack/react-query';
import { useChannel } from '../../../lib/realtime/use-channel';
import type { RealtimeMessage } from '../../../lib/realtime/realtime-client';
import { FINISHED, keys, type TestLive, type TestView } from '../api/queries';

const STATUS_OF: Record<string, TestView['status']> = {
  'test.queued': 'queued',
  'test.started': 'running',
  'test.progress': 'running',
  'test.completed': 'completed',
  'test.failed': 'failed',
  'test.cancelled': 'cancelled',
};

/** Two points closer than this are the same second (the REST copy and the stream's). */
const SAME_POINT_MS = 300;

/**
 * Keeps one test's queries current from /ws: `test-updates` (the owner's lifecycle events, filtered to
 * this test) patches the status and progress in the cache and refetches on a change of state; for
 * engines that stream live, `stress-test-{id}` appends each per-second point to the live query's
 * points. A gap (missed messages) refetches.
 */
export function useLiveTest(id: string, status: TestView['status'] | undefined, streamsLive: boolean) {
  const qc = useQueryClient();
  const refetchAll = () => void qc.invalidateQueries({ queryKey: keys.test(id) });

  useChannel('test-updates', {
    message(m: RealtimeMessage) {
      const data = m.data as { testId?: string; progress?: number; message?: string; willRetry?: boolean };
      if (data.testId !== id) return;
      let next = STATUS_OF[m.event];
      if (!next) return;
      // A failed attempt that will be retried goes back to the queue.
      if (m.event === 'test.failed' && data.willRetry) next = 'queued';
      const old = qc.getQueryData<TestView>(keys.test(id));
      qc.setQueryData<TestView>(keys.test(id), (v) =>
        v
          ? {
              ...v,
              status: next,
              progress: m.event === 'test.completed' ? 100 : (data.progress ?? v.progress),
              message: data.message ?? v.message,
            }
          : v,
      );
      if (m.event !== 'test.progress' || old?.status !== next)
        void qc.invalidateQueries({ queryKey: keys.test(id) });
    },
    gap: refetchAll,
  });

  const follow = streamsLive && !!status && !FINISHED.has(status);
  useChannel(follow ? `stress-test-${id}` : null, {
    message(m: RealtimeMessage) {
      const data = m.data as { metrics?: Record<string, number> };
      if (m.event !== 'test.progress' || !data.metrics) return;
      const point = { at: m.timestamp, metrics: data.metrics };
      qc.setQueryData<TestLive>(keys.live(id), (v) => {
        if (!v) return v; // the REST answer in flight will hold it
        const last = v.points[v.points.length - 1];
        if (last && point.at <= last.at + SAME_POINT_MS) return v;
        return { ...v, status: 'running', queuePosition: null, points: [...v.points, point] };
      });
    },
    gap: () => void qc.invalidateQueries({ queryKey: keys.live(id) }),
  });
}
