import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { AppError, ValidationError, type FieldError } from './errors.ts';
import { problemType, type Problem } from './problem.ts';

const CLIENT_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'ERR_EMPTY_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'ERR_MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ERR_BAD_CONTENT_LENGTH',
};

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
};

function send(reply: FastifyReply, request: FastifyRequest, problem: Omit<Problem, 'type' | 'instance' | 'requestId'>) {
  const body: Problem = { type: problemType(problem.code), ...problem, instance: request.url.split('?')[0], requestId: request.id };
  return reply.status(problem.status).type('application/problem+json').send(body);
}

function fieldErrors(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((v) => {
    const missing = v.keyword === 'required' ? `/${String((v.params as { missingProperty?: string }).missingProperty)}` : '';
    const extra = v.keyword === 'additionalProperties' ? `/${String((v.params as { additionalProperty?: string }).additionalProperty)}` : '';
    const field = `/${error.validationContext ?? 'body'}${v.instancePath}${missing}${extra}`;
    const message = v.keyword === 'additionalProperties' ? 'is not an allowed property' : (v.message ?? 'is invalid');
    return { field, message };
  });
}

/**
 * The one error path: AppErrors and Fastify's own 4xx errors become problem+json with their status;
 * anything else is a bug, logged in full and answered with a bare 500.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      reply.headers(error.headers);
      const errors = error instanceof ValidationError && error.errors.length ? { errors: error.errors } : {};
      return send(reply, request, { title: error.title, status: error.status, detail: error.message, code: error.code, ...errors });
    }
    if (error.validation) {
      const errors = fieldErrors(error);
      const detail = errors.map((e) => `${e.field} ${e.message}`).join('; ');
      return send(reply, request, { title: 'Invalid request', status: 400, detail, code: 'ERR_VALIDATION', errors });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = CLIENT_CODES[error.code] ?? (error.code?.startsWith('FST_') ? 'ERR_BAD_REQUEST' : (error.code ?? 'ERR_BAD_REQUEST'));
      const detail = code === 'ERR_MALFORMED_JSON' ? 'The request body is not valid JSON' : error.message;
      return send(reply, request, { title: STATUS_TITLES[status] ?? 'Bad Request', status, detail, code });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: { message: error.message, code: error.code } }, 'database unavailable');
      reply.header('retry-after', '5');
      return send(reply, request, { title: 'Service Unavailable', status: 503, detail: 'The database is unavailable; try again shortly', code: 'ERR_DATABASE_UNAVAILABLE' });
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, request, { title: 'Internal Server Error', status: 500, detail: 'An unexpected error occurred; it has been logged', code: 'ERR_INTERNAL' });
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, request, { title: 'Not Found', status: 404, detail: `No route ${request.method} ${request.url.split('?')[0]}`, code: 'ERR_ROUTE_NOT_FOUND' }),
  );
}
