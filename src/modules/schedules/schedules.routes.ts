import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser, problems } from '../../shared/http/index.ts';
import type { History } from './history.ts';
import type { SchedulesService } from './schedules.service.ts';
import {
  HistoryQuery,
  HistoryView,
  ListRunsQuery,
  ListSchedulesQuery,
  RunAccepted,
  ScheduleBody,
  ScheduleIdParams,
  ScheduleList,
  ScheduleRunList,
  ScheduleView,
  SummaryView,
} from './schedules.schemas.ts';

const tags = ['schedules'];
const security = [{ bearerAuth: [] }];

/** /api/schedules: your schedules (every schedule for admins); another user's is a 404. */
export function registerSchedulesRoutes(
  fastify: FastifyInstance,
  service: SchedulesService,
  history: History,
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const params = ScheduleIdParams;

  app.post('/api/schedules', {
    schema: {
      tags,
      security,
      summary: 'Save a recurring test (interval or cron)',
      body: ScheduleBody,
      response: { 201: ScheduleView, ...problems(400, 401, 409, 415) },
    },
    handler: async (req, reply) => reply.status(201).send(await service.create(currentUser(req), req.body)),
  });

  app.get('/api/schedules', {
    schema: {
      tags,
      security,
      summary: 'Your schedules, newest first (all schedules for admins)',
      querystring: ListSchedulesQuery,
      response: { 200: ScheduleList, ...problems(400, 401) },
    },
    handler: (req) => service.list(currentUser(req), req.query),
  });

  app.get('/api/schedules/:id', {
    schema: {
      tags,
      security,
      summary: 'A schedule',
      params,
      response: { 200: ScheduleView, ...problems(400, 401, 404) },
    },
    handler: (req) => service.get(currentUser(req), req.params.id),
  });

  app.put('/api/schedules/:id', {
    schema: {
      tags,
      security,
      summary: 'Replace a schedule (a new timing starts a new grid; a new test forgets the baselines)',
      params,
      body: ScheduleBody,
      response: { 200: ScheduleView, ...problems(400, 401, 404, 415) },
    },
    handler: (req) => service.update(currentUser(req), req.params.id, req.body),
  });

  app.delete('/api/schedules/:id', {
    schema: {
      tags,
      security,
      summary: 'Delete a schedule (its tests stay, as tests without a schedule)',
      params,
      response: { 204: Type.Null(), ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => {
      await service.remove(currentUser(req), req.params.id);
      return reply.status(204).send(null);
    },
  });

  app.post('/api/schedules/:id/pause', {
    schema: {
      tags,
      security,
      summary: 'Pause a schedule',
      params,
      response: { 200: ScheduleView, ...problems(400, 401, 404) },
    },
    handler: (req) => service.pause(currentUser(req), req.params.id),
  });

  app.post('/api/schedules/:id/resume', {
    schema: {
      tags,
      security,
      summary: "Resume a schedule at its grid's next tick",
      params,
      response: { 200: ScheduleView, ...problems(400, 401, 404) },
    },
    handler: (req) => service.resume(currentUser(req), req.params.id),
  });

  app.post('/api/schedules/:id/run-now', {
    schema: {
      tags,
      security,
      summary: 'Run a schedule now (409 while its previous run is queued or running)',
      params,
      response: { 202: RunAccepted, ...problems(400, 401, 404, 409, 429) },
    },
    handler: async (req, reply) =>
      reply.status(202).send(await service.runNow(currentUser(req), req.params.id)),
  });

  app.get('/api/schedules/:id/runs', {
    schema: {
      tags,
      security,
      summary: "A schedule's ticks, newest first, with what each became",
      params,
      querystring: ListRunsQuery,
      response: { 200: ScheduleRunList, ...problems(400, 401, 404) },
    },
    handler: (req) => history.runs(currentUser(req), req.params.id, req.query),
  });

  app.get('/api/schedules/:id/history', {
    schema: {
      tags,
      security,
      summary:
        "A metric's series over a schedule's runs (time buckets with min/avg/max) and the latest result",
      params,
      querystring: HistoryQuery,
      response: { 200: HistoryView, ...problems(400, 401, 404) },
    },
    handler: (req) => history.history(currentUser(req), req.params.id, req.query),
  });

  app.get('/api/schedules/:id/summary', {
    schema: {
      tags,
      security,
      summary: 'Runs, passes, failures and success rate over 24 h, 7 d and 30 d, and the last failure',
      params,
      response: { 200: SummaryView, ...problems(400, 401, 404) },
    },
    handler: (req) => history.summary(currentUser(req), req.params.id),
  });
}
