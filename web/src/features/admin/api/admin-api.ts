import { api, call } from '../../../lib/api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../../../lib/api/types';

/** The admin API's shapes, as the OpenAPI document gives them. */
export type Overview = ResponseOf<'/api/monitoring/overview', 'get'>;
export type Instance = ResponseOf<'/api/monitoring/instances', 'get'>['items'][number];
export type SeriesQuery = QueryOf<'/api/monitoring/series', 'get'>;
export type MetricName = SeriesQuery['metric'];
export type Series = ResponseOf<'/api/monitoring/series', 'get'>;
export type QueueStatus = ResponseOf<'/api/queue/status', 'get'>;
export type Job = ResponseOf<'/api/queue/jobs', 'get'>['items'][number];
export type JobStatus = NonNullable<QueryOf<'/api/queue/jobs', 'get'>['status']>;
export type AdminUser = ResponseOf<'/api/admin/users', 'get'>['items'][number];
export type UserChange = BodyOf<'/api/admin/users/{id}', 'patch'>;
export type Quota = ResponseOf<'/api/admin/users/{userId}/quota', 'get'>;
export type CacheStats = ResponseOf<'/api/cache/stats', 'get'>;
export type Invalidation = QueryOf<'/api/cache/invalidate', 'delete'>;
export type OutboxItem = ResponseOf<'/api/admin/outbox', 'get'>['items'][number];
export type OutboxStatus = NonNullable<QueryOf<'/api/admin/outbox', 'get'>['status']>;
export type OutboxMessage = ResponseOf<'/api/admin/outbox/{id}', 'get'>;
export type BroadcastBody = BodyOf<'/api/admin/notifications/broadcast', 'post'>;
export type Broadcast = ResponseOf<'/api/admin/notifications/broadcasts/{id}', 'get'>;

export const adminApi = {
  overview: () => call(api.GET('/api/monitoring/overview')),
  series: (query: SeriesQuery) => call(api.GET('/api/monitoring/series', { params: { query } })),
  instances: (cursor?: string) =>
    call(api.GET('/api/monitoring/instances', { params: { query: { limit: 50, cursor } } })),
  queueStatus: () => call(api.GET('/api/queue/status')),
  jobs: (status: JobStatus | undefined, cursor?: string) =>
    call(api.GET('/api/queue/jobs', { params: { query: { status, cursor, limit: 20 } } })),
  cancelJob: (id: string) => call(api.POST('/api/queue/jobs/{id}/cancel', { params: { path: { id } } })),
  retryJob: (id: string) => call(api.POST('/api/queue/jobs/{id}/retry', { params: { path: { id } } })),
  users: (q: string | undefined, cursor?: string) =>
    call(api.GET('/api/admin/users', { params: { query: { q, cursor, limit: 20 } } })),
  changeUser: (id: string, body: UserChange) =>
    call(api.PATCH('/api/admin/users/{id}', { params: { path: { id } }, body })),
  quota: (userId: string) =>
    call(api.GET('/api/admin/users/{userId}/quota', { params: { path: { userId } } })),
  setQuota: (userId: string, dailyTestQuota: number | null) =>
    call(
      api.PUT('/api/admin/users/{userId}/quota', { params: { path: { userId } }, body: { dailyTestQuota } }),
    ),
  cacheStats: () => call(api.GET('/api/cache/stats')),
  invalidate: (query: Invalidation) => call(api.DELETE('/api/cache/invalidate', { params: { query } })),
  flush: () => call(api.DELETE('/api/cache/flush')),
  outbox: (status: OutboxStatus | undefined, cursor?: string) =>
    call(api.GET('/api/admin/outbox', { params: { query: { status, cursor, limit: 20 } } })),
  outboxMessage: (id: string) => call(api.GET('/api/admin/outbox/{id}', { params: { path: { id } } })),
  retryEmail: (id: string) => call(api.POST('/api/admin/outbox/{id}/retry', { params: { path: { id } } })),
  broadcast: (body: BroadcastBody) => call(api.POST('/api/admin/notifications/broadcast', { body })),
  broadcastProgress: (id: string) =>
    call(api.GET('/api/admin/notifications/broadcasts/{id}', { params: { path: { id } } })),
};

/** Query keys: every admin query starts with 'admin', so a mutation can invalidate precisely. */
export const adminKeys = {
  overview: ['admin', 'overview'] as const,
  series: (q: SeriesQuery) => ['admin', 'series', q] as const,
  instances: ['admin', 'instances'] as const,
  queueStatus: ['admin', 'queue', 'status'] as const,
  jobs: (status?: JobStatus) => ['admin', 'queue', 'jobs', status ?? 'all'] as const,
  queue: ['admin', 'queue'] as const,
  users: (q?: string) => ['admin', 'users', q ?? ''] as const,
  allUsers: ['admin', 'users'] as const,
  quota: (userId: string) => ['admin', 'quota', userId] as const,
  cache: ['admin', 'cache'] as const,
  outbox: (status?: OutboxStatus) => ['admin', 'outbox', status ?? 'all'] as const,
  allOutbox: ['admin', 'outbox'] as const,
  outboxMessage: (id: string) => ['admin', 'outbox-message', id] as const,
  broadcast: (id: string) => ['admin', 'broadcast', id] as const,
};
