import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../lib/api/client';
import type { ResponseOf } from '../../../lib/api/types';

export type TestView = ResponseOf<'/api/tests/{testId}', 'get'>;
export type TestResult = ResponseOf<'/api/tests/{testId}/result', 'get'>;
export type TestLive = ResponseOf<'/api/tests/{testId}/live', 'get'>;
export type LivePoint = TestLive['points'][number];
export type Finding = TestResult['findings'][number];

export const FINISHED = new Set(['completed', 'failed', 'cancelled']);

/** Query keys of this feature: one test, its result, its live view; engines are shared by name. */
export const keys = {
  test: (id: string) => ['tests', 'one', id] as const,
  result: (id: string) => ['tests', 'one', id, 'result'] as const,
  live: (id: string) => ['tests', 'one', id, 'live'] as const,
  sameKind: (type: string) => ['test-view', 'same-kind', type] as const,
};

export function useTest(id: string) {
  return useQuery({
    queryKey: keys.test(id),
    queryFn: () => call(api.GET('/api/tests/{testId}', { params: { path: { testId: id } } })),
  });
}

export function useTestResult(id: string, enabled = true) {
  return useQuery({
    queryKey: keys.result(id),
    enabled,
    queryFn: () => call(api.GET('/api/tests/{testId}/result', { params: { path: { testId: id } } })),
  });
}

/**
 * The queue position (refreshed every 3 s while queued: other users' tests move it, and their events
 * are not ours to hear) and the points of a running test; the stress stream appends to these points.
 */
export function useTestLive(id: string, status: string | undefined) {
  const active = status === 'queued' || status === 'running';
  return useQuery({
    queryKey: keys.live(id),
    enabled: active,
    refetchInterval: status === 'queued' ? 3000 : false,
    refetchOnWindowFocus: false,
    queryFn: () => call(api.GET('/api/tests/{testId}/live', { params: { path: { testId: id } } })),
  });
}

/** Recent completed tests of a type, to pick the other side of a comparison. */
export function useSameKind(type: string | undefined) {
  return useQuery({
    queryKey: keys.sameKind(type ?? ''),
    enabled: !!type,
    queryFn: () =>
      call(api.GET('/api/tests', { params: { query: { type, status: 'completed', limit: 20 } } })),
  });
}

/** Cancel (queued or running) and retry (failed or cancelled): the queue's job routes. */
export function useTestActions(id: string) {
  const qc = useQueryClient();
  const done = (view: TestView) => {
    qc.setQueryData(keys.test(id), (old: TestView | undefined) => ({ ...old, ...view }));
    void qc.invalidateQueries({ queryKey: ['tests'] });
  };
  return {
    cancel: useMutation({
      mutationFn: () => call(api.POST('/api/queue/jobs/{id}/cancel', { params: { path: { id } } })),
      onSuccess: done,
    }),
    retry: useMutation({
      mutationFn: () => call(api.POST('/api/queue/jobs/{id}/retry', { params: { path: { id } } })),
      onSuccess: (view) => {
        qc.removeQueries({ queryKey: keys.result(id) });
        qc.removeQueries({ queryKey: keys.live(id) });
        done(view);
      },
    }),
  };
}
