import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../lib/api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../../../lib/api/types';

export type Rule = ResponseOf<'/api/alerts/rules/{id}', 'get'>;
export type RuleInput = BodyOf<'/api/alerts/rules', 'post'>;
export type Alert = ResponseOf<'/api/alerts/history', 'get'>['items'][number];
export type HistoryFilters = QueryOf<'/api/alerts/history', 'get'>;
export type Delivery = ResponseOf<'/api/alerts/deliveries', 'get'>['items'][number];

export const alertKeys = {
  all: ['alerts'] as const,
  rules: ['alerts', 'rules'] as const,
  rule: (id: string) => ['alerts', 'rule', id] as const,
  history: ['alerts', 'history'] as const,
  deliveries: ['alerts', 'deliveries'] as const,
};

export function useRules() {
  return useQuery({
    queryKey: alertKeys.rules,
    queryFn: async () => {
      const items: Rule[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await call(api.GET('/api/alerts/rules', { params: { query: { limit: 100, cursor } } }));
        items.push(...page.items);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      return items;
    },
  });
}

export function useRule(id: string | undefined) {
  return useQuery({
    queryKey: alertKeys.rule(id ?? ''),
    queryFn: () => call(api.GET('/api/alerts/rules/{id}', { params: { path: { id: id! } } })),
    enabled: !!id,
  });
}

export function useSaveRule(id?: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RuleInput) =>
      id
        ? call(api.PUT('/api/alerts/rules/{id}', { params: { path: { id } }, body }))
        : call(api.POST('/api/alerts/rules', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

export function useDeleteRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/alerts/rules/{id}', { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

export function useTestSend() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.POST('/api/alerts/rules/{id}/test', { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: alertKeys.deliveries }),
  });
}

export function useRotateSecret() {
  return useMutation({
    mutationFn: (webhookId: string) =>
      call(api.POST('/api/alerts/webhooks/{id}/rotate-secret', { params: { path: { id: webhookId } } })),
  });
}

export function useAlertHistory(filters: HistoryFilters) {
  return useQuery({
    queryKey: [...alertKeys.history, filters],
    queryFn: () => call(api.GET('/api/alerts/history', { params: { query: { limit: 50, ...filters } } })),
  });
}

export function useAcknowledge() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.POST('/api/alerts/{id}/acknowledge', { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: alertKeys.history }),
  });
}

export function useDeliveries(filter: { alertId?: string; ruleId?: string }) {
  return useQuery({
    queryKey: [...alertKeys.deliveries, filter],
    queryFn: () => call(api.GET('/api/alerts/deliveries', { params: { query: { limit: 100, ...filter } } })),
  });
}

/** The user's schedules, for a rule's scope picker. */
export function useScheduleChoices() {
  return useQuery({
    queryKey: ['schedules', 'choices'],
    queryFn: () => call(api.GET('/api/schedules', { params: { query: { limit: 100 } } })),
    select: (d) => d.items.map((s) => ({ id: s.id, name: s.name })),
  });
}
