import { useQueryClient } from '@tanstack/react-query';
import { useChannel } from '../../../lib/realtime/use-channel';
import type { RealtimeMessage } from '../../../lib/realtime/realtime-client';
import { testKeys, type TestPages, type TestRow } from '../api/tests';

interface TestEvent {
  testId: string;
  progress?: number;
  message?: string | null;
  score?: number | null;
  error?: string | null;
  willRetry?: boolean;
}

/** What a `test-updates` event changes in a row (docs/WEBSOCKET_GUIDE.md); null: not a test event. */
export function applyTestEvent(row: TestRow, m: RealtimeMessage): TestRow | null {
  const d = m.data as unknown as TestEvent;
  const at = new Date(m.timestamp).toISOString();
  switch (m.event) {
    case 'test.started':
      return {
        ...row,
        status: 'running',
        startedAt: row.startedAt ?? at,
        progress: d.progress ?? row.progress,
      };
    case 'test.progress':
      return {
        ...row,
        status: 'running',
        progress: d.progress ?? row.progress,
        message: d.message ?? row.message,
      };
    case 'test.completed':
      return { ...row, status: 'completed', progress: 100, score: d.score ?? row.score, completedAt: at };
    case 'test.failed':
      return d.willRetry
        ? { ...row, status: 'queued', error: d.error ?? row.error }
        : { ...row, status: 'failed', error: d.error ?? row.error, completedAt: at };
    case 'test.cancelled':
      return { ...row, status: 'cancelled', completedAt: at };
    default:
      return null;
  }
}

/**
 * Keeps every cached page of the history live: each `test-updates` event patches its row in place; a new
 * test, a row not on screen, or a gap in the stream refetches the lists.
 */
export function useLiveTests(): void {
  const client = useQueryClient();
  useChannel('test-updates', {
    message(m) {
      const testId = (m.data as { testId?: string }).testId;
      if (!testId) return;
      if (m.event === 'test.queued') {
        void client.invalidateQueries({ queryKey: testKeys.lists });
        return;
      }
      let found = false;
      client.setQueriesData<TestPages>({ queryKey: testKeys.lists }, (data) => {
        if (!data) return data;
        return {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            items: page.items.map((row) => {
              if (row.testId !== testId) return row;
              const next = applyTestEvent(row, m);
              if (next) found = true;
              return next ?? row;
            }),
          })),
        };
      });
      // A filtered list may gain or lose the row (status filter): refetch it once the run ends.
      if (!found || /^test\.(completed|failed|cancelled)$/.test(m.event))
        void client.invalidateQueries({ queryKey: testKeys.lists, refetchType: found ? 'none' : 'active' });
    },
    gap() {
      void client.invalidateQueries({ queryKey: testKeys.lists });
    },
  });
}
