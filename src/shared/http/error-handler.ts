import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
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
  408: 'Request Timeout',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
};

function send(
  reply: FastifyReply,
  request: FastifyRequest,
  problem: Omit<Problem, 'type' | 'instance' | 'requestId'>,
) {
  const body: Problem = {
    type: problemType(problem.code),
    ...problem,
    instance: request.url.split('?')[0],
    requestId: request.id,
  };
  return reply.status(problem.status).type('application/problem+json').send(body);
}

function fieldErrors(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((v) => {
    const missing =
      v.keyword === 'required'
        ? `/${String((v.params as { missingProperty?: string }).missingProperty)}`
        : '';
    const extra =
      v.keyword === 'additionalProperties'
        ? `/${String((v.params as { additionalProperty?: string }).additionalProperty)}`
        : '';
    const field = `/${error.validationContext ?? 'body'}${v.instancePath}${missing}${extra}`;
    const message =
      v.keyword === 'additionalProperties' ? 'is not an allowed property' : (v.message ?? 'is invalid');
    return { field, message };
  });
}

/**
 * The one error path: AppErrors and Fastify's own 4xx errors become problem+json with their status;
 * anything else is a bug, logged in full and answered with a bare 500.
 */
/**
 * A route-less request's answer before the 404 problem: the dashboard answers its client-side routes with
 * its page; anything it returns undefined for is a problem+json 404.
 */
export type NotFoundFallback = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined;

export function registerErrorHandler(app: FastifyInstance, notFound?: NotFoundFallback): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      reply.headers(error.headers);
      const errors = error instanceof ValidationError && error.errors.length ? { errors: error.errors } : {};
      return send(reply, request, {
        title: error.title,
        status: error.status,
        detail: error.message,
        code: error.code,
        ...errors,
      });
    }
    if (error.validation) {
      const errors = fieldErrors(error);
      const detail = errors.map((e) => `${e.field} ${e.message}`).join('; ');
      return send(reply, request, {
        title: 'Invalid request',
        status: 400,
        detail,
        code: 'ERR_VALIDATION',
        errors,
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code =
        CLIENT_CODES[error.code] ??
        (error.code?.startsWith('FST_') ? 'ERR_BAD_REQUEST' : (error.code ?? 'ERR_BAD_REQUEST'));
      const detail = code === 'ERR_MALFORMED_JSON' ? 'The request body is not valid JSON' : error.message;
      return send(reply, request, { title: STATUS_TITLES[status] ?? 'Bad Request', status, detail, code });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: { message: error.message, code: error.code } }, 'database unavailable');
      reply.header('retry-after', '5');
      return send(reply, request, {
        title: 'Service Unavailable',
        status: 503,
        detail: 'The database is unavailable; try again shortly',
        code: 'ERR_DATABASE_UNAVAILABLE',
      });
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, request, {
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred; it has been logged',
      code: 'ERR_INTERNAL',
    });
  });

  app.setNotFoundHandler(
    (request, reply) =>
      notFound?.(request, reply) ??
      send(reply, request, {
        title: 'Not Found',
        status: 404,
        detail: `No route ${request.method} ${request.url.split('?')[0]}`,
        code: 'ERR_ROUTE_NOT_FOUND',
      }),
  );
}

type Answer = Omit<Problem, 'type' | 'instance' | 'requestId'>;

/** Fastify's routing errors, which its messages answer by echoing the path. */
const FRAMEWORK_ANSWERS: Record<string, Answer> = {
  FST_ERR_BAD_URL: {
    title: 'Bad Request',
    status: 400,
    code: 'ERR_BAD_URL',
    detail: 'The request URL is not valid: it has a malformed percent-encoding',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    title: 'URI Too Long',
    status: 414,
    code: 'ERR_URI_TOO_LONG',
    detail: 'A path segment of the request URL is too long',
  },
};

/**
 * Fastify's `frameworkErrors`: errors raised while routing, before any route's error handler exists. Same
 * problem+json as the error handler, but without `instance`: the path is what was wrong with the request.
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const answer = FRAMEWORK_ANSWERS[error.code];
  if (!answer) {
    request.log.error({ err: error }, 'unhandled framework error');
    return frameworkAnswer(reply, request, {
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred; it has been logged',
      code: 'ERR_INTERNAL',
    });
  }
  request.log.info({ code: answer.code }, 'request refused while routing');
  frameworkAnswer(reply, request, answer);
}

function frameworkAnswer(reply: FastifyReply, request: FastifyRequest, answer: Answer): void {
  const body: Problem = { type: problemType(answer.code), ...answer, requestId: request.id };
  void reply
    .status(answer.status)
    .header('x-request-id', request.id)
    .type('application/problem+json')
    .send(body);
}

/** Node's HTTP parser errors, answered on the socket before any request exists. */
function clientAnswer(err: NodeJS.ErrnoException): Answer {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return {
      title: 'Request Timeout',
      status: 408,
      code: 'ERR_REQUEST_TIMEOUT',
      detail: 'The request was not received in time',
    };
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    // Node counts the request line with the headers, so an over-long URL lands here too.
    return {
      title: 'Request Header Fields Too Large',
      status: 431,
      code: 'ERR_HEADERS_TOO_LARGE',
      detail: 'The request line and headers are larger than the server accepts; a very long URL counts too',
    };
  }
  return {
    title: 'Bad Request',
    status: 400,
    code: 'ERR_BAD_REQUEST',
    detail: 'The request is not valid HTTP',
  };
}

/**
 * Fastify's `clientErrorHandler` (Node's 'clientError'): malformed HTTP, oversized request heads and
 * request timeouts answered as problem+json on the raw socket, then the socket is closed. A client's
 * mistake, so logged at debug with an id the answer carries.
 */
export function answerClientError(this: unknown, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const answer = clientAnswer(err);
  const requestId = randomUUID();
  (this as FastifyInstance | undefined)?.log?.debug(
    { requestId, code: err.code, status: answer.status },
    'malformed request refused',
  );
  if (socket.writable) {
    const body = JSON.stringify({ type: problemType(answer.code), ...answer, requestId } satisfies Problem);
    const head = [
      `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}`,
      'Content-Type: application/problem+json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      `X-Request-Id: ${requestId}`,
      'Connection: close',
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  }
  socket.destroySoon();
}
