import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser, problems } from '../../shared/http/index.ts';
import type { AlertHistoryService } from './alert-history.service.ts';
import type { AlertRulesService } from './alert-rules.service.ts';
import {
  AlertIdParams,
  AlertList,
  AlertView,
  CreateRuleBody,
  HistoryQuery,
  ListQuery,
  RuleIdParams,
  RuleList,
  RuleView,
  TestSendAccepted,
  UpdateRuleBody,
} from './alerts.schemas.ts';

const tags = ['alerts'];
const security = [{ bearerAuth: [] }];

/** /api/alerts: rules, their test send, the history and acknowledgement. docs/ALERTING.md. */
export function registerAlertsRoutes(
  fastify: FastifyInstance,
  rules: AlertRulesService,
  history: AlertHistoryService,
): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const viewer = (req: FastifyRequest) => {
    const u = currentUser(req);
    return { id: u.id, role: u.role };
  };

  app.post('/api/alerts/rules', {
    schema: {
      tags,
      security,
      summary: 'Create an alert rule (the answer carries the webhook secret, this once)',
      body: CreateRuleBody,
      response: { 201: RuleView, ...problems(400, 401, 403, 409, 415) },
    },
    handler: async (req, reply) => reply.code(201).send(await rules.create(viewer(req), req.body)),
  });

  app.get('/api/alerts/rules', {
    schema: {
      tags,
      security,
      summary: "Your alert rules, newest first (cursor pages; admins: everyone's)",
      querystring: ListQuery,
      response: { 200: RuleList, ...problems(400, 401) },
    },
    handler: (req) => rules.list(viewer(req), req.query),
  });

  app.get('/api/alerts/rules/:id', {
    schema: {
      tags,
      security,
      summary: 'One alert rule',
      params: RuleIdParams,
      response: { 200: RuleView, ...problems(400, 401, 404) },
    },
    handler: (req) => rules.get(viewer(req), req.params.id),
  });

  app.put('/api/alerts/rules/:id', {
    schema: {
      tags,
      security,
      summary: 'Change an alert rule (the fields given; the rule is checked whole)',
      params: RuleIdParams,
      body: UpdateRuleBody,
      response: { 200: RuleView, ...problems(400, 401, 403, 404, 415) },
    },
    handler: (req) => rules.update(viewer(req), req.params.id, req.body),
  });

  app.delete('/api/alerts/rules/:id', {
    schema: {
      tags,
      security,
      summary: 'Delete an alert rule',
      params: RuleIdParams,
      response: { 204: Type.Null({ description: 'Deleted' }), ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => {
      await rules.delete(viewer(req), req.params.id);
      return reply.status(204).send(null);
    },
  });

  app.post('/api/alerts/rules/:id/test', {
    schema: {
      tags,
      security,
      summary: "Send a sample alert (event alert.test) through the rule's channels",
      params: RuleIdParams,
      response: { 202: TestSendAccepted, ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => reply.code(202).send(await rules.test(viewer(req), req.params.id)),
  });

  app.get('/api/alerts/history', {
    schema: {
      tags,
      security,
      summary: 'Alerts, newest first (filters: ruleId, state, severity, from/to; cursor pages)',
      querystring: HistoryQuery,
      response: { 200: AlertList, ...problems(400, 401) },
    },
    handler: (req) => history.list(viewer(req), req.query),
  });

  app.post('/api/alerts/:id/acknowledge', {
    schema: {
      tags,
      security,
      summary: 'Acknowledge an alert (who and when; a second call answers the first acknowledgement)',
      params: AlertIdParams,
      response: { 200: AlertView, ...problems(400, 401, 404) },
    },
    handler: (req) => history.acknowledge(viewer(req), req.params.id),
  });
}
