import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../lib/api/client';
import type { BodyOf, ResponseOf } from '../../../lib/api/types';

export type Schedule = ResponseOf<'/api/schedules/{id}', 'get'>;
export type ScheduleInput = BodyOf<'/api/schedules', 'post'>;
export type ScheduleHistory = ResponseOf<'/api/schedules/{id}/history', 'get'>;
export type ScheduleSummary = ResponseOf<'/api/schedules/{id}/summary', 'get'>;
export type ScheduleRun = ResponseOf<'/api/schedules/{id}/runs', 'get'>['items'][number];

const keys = {
  all: ['schedules'] as const,
  list: ['schedules', 'list'] as const,
  one: (id: string) => ['schedules', 'one', id] as const,
  history: (id: string, metric: string) => ['schedules', 'history', id, metric] as const,
  summary: (id: string) => ['schedules', 'summary', id] as const,
  runs: (id: string) => ['schedules', 'runs', id] as const,
};

/** Every schedule of the user (pages of 100 are followed, a user has few). */
export function useSchedules() {
  return useQuery({
    queryKey: keys.list,
    queryFn: async () => {
      const items: Schedule[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await call(api.GET('/api/schedules', { params: { query: { limit: 100, cursor } } }));
        items.push(...page.items);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      return items;
    },
  });
}

export function useSchedule(id: string | undefined) {
  return useQuery({
    queryKey: keys.one(id ?? ''),
    queryFn: () => call(api.GET('/api/schedules/{id}', { params: { path: { id: id! } } })),
    enabled: !!id,
  });
}

export function useScheduleSummary(id: string) {
  return useQuery({
    queryKey: keys.summary(id),
    queryFn: () => call(api.GET('/api/schedules/{id}/summary', { params: { path: { id } } })),
  });
}

export function useScheduleRuns(id: string) {
  return useQuery({
    queryKey: keys.runs(id),
    queryFn: () =>
      call(api.GET('/api/schedules/{id}/runs', { params: { path: { id }, query: { limit: 20 } } })),
  });
}

/** A metric's series over the schedule's runs (the last 7 days, 100 buckets). */
export function useScheduleHistory(id: string, metric: string | null) {
  return useQuery({
    queryKey: keys.history(id, metric ?? ''),
    queryFn: () =>
      call(
        api.GET('/api/schedules/{id}/history', {
          params: { path: { id }, query: { metric: metric!, points: 100 } },
        }),
      ),
    enabled: !!metric,
    placeholderData: keepPreviousData,
  });
}

/** The latest result of a schedule (for the list's "last result" chip): the history's `latest`. */
export function useLatestResult(id: string) {
  return useQuery({
    queryKey: keys.history(id, 'passed'),
    queryFn: () =>
      call(
        api.GET('/api/schedules/{id}/history', {
          params: { path: { id }, query: { metric: 'passed', points: 100 } },
        }),
      ),
    select: (h) => h.latest,
  });
}

export function useSaveSchedule(id?: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ScheduleInput) =>
      id
        ? call(api.PUT('/api/schedules/{id}', { params: { path: { id } }, body }))
        : call(api.POST('/api/schedules', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.all }),
  });
}

export function useScheduleAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, action }: { id: string; action: 'pause' | 'resume' | 'delete' | 'run' }) => {
      const path = { params: { path: { id } } };
      if (action === 'pause') await call(api.POST('/api/schedules/{id}/pause', path));
      else if (action === 'resume') await call(api.POST('/api/schedules/{id}/resume', path));
      else if (action === 'delete') await call(api.DELETE('/api/schedules/{id}', path));
      else return call(api.POST('/api/schedules/{id}/run-now', path));
      return null;
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.all }),
  });
}
