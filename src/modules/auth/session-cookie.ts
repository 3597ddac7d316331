import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onSendAsyncHookHandler,
  preSerializationAsyncHookHandler,
  preValidationAsyncHookHandler,
  RouteOptions,
} from 'fastify';
import { readCookie, UnauthorizedError } from '../../shared/http/index.ts';

/**
 * The browser session of the dashboard (docs/AUTH.md, "Browser sessions"). A client that sends
 * `X-TestWeb-Session: cookie` gets its refresh token as an HttpOnly, SameSite=Strict cookie scoped to
 * /api/auth instead of in the JSON answer, and refreshes with that header and no token: script on the
 * page never sees the refresh token, so an XSS cannot carry the session away, and the access token lives
 * in memory only. The header is the CSRF defence of the cookie-only refresh: a form or a cross-site
 * request cannot send it without a CORS preflight, which the CORS policy refuses for other origins.
 */
export const SESSION_HEADER = 'x-testweb-session';
export const REFRESH_COOKIE = 'testweb_refresh';
const COOKIE_PATH = '/api/auth';

function cookieMode(request: FastifyRequest): boolean {
  return request.headers[SESSION_HEADER] === 'cookie';
}

function setCookie(reply: FastifyReply, value: string, maxAgeS: number, secure: boolean): void {
  const attrs = `Path=${COOKIE_PATH}; Max-Age=${maxAgeS}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  void reply.header('set-cookie', `${REFRESH_COOKIE}=${value}; ${attrs}`);
}

export interface SessionCookieOptions {
  /** PUBLIC_URL is https: the cookie is Secure. */
  secure: boolean;
  refreshTtlMs: number;
}

const asArray = <T>(hook: T | T[] | undefined): T[] =>
  hook === undefined ? [] : Array.isArray(hook) ? hook : [hook];

/**
 * Adds the cookie's hooks to the /api/auth routes registered after it (an onRoute hook: other routes run
 * none of this code; three async global hooks cost every API request ~3 % of its CPU, bench/http-pipeline).
 * Every route that issues tokens or ends a session lives under /api/auth and is registered after this.
 */
export function registerSessionCookie(
  app: FastifyInstance,
  { secure, refreshTtlMs }: SessionCookieOptions,
): void {
  const maxAgeS = Math.floor(refreshTtlMs / 1000);
  // The cookie stands in for the body's token, before the body is validated.
  const cookieAsBody: preValidationAsyncHookHandler = async (request) => {
    if (!cookieMode(request) || request.routeOptions.url !== '/api/auth/refresh') return;
    const body = request.body as { refreshToken?: unknown } | undefined | null;
    if (body && typeof body === 'object' && body.refreshToken !== undefined) return;
    const token = readCookie(request, REFRESH_COOKIE);
    if (!token) throw new UnauthorizedError('No session: sign in again', 'ERR_REFRESH_TOKEN_INVALID');
    request.body = { refreshToken: token };
  };
  // Every answer that issues tokens (register, login, refresh, MFA verify, OAuth exchange) moves its
  // refresh token into the cookie.
  const tokenToCookie: preSerializationAsyncHookHandler = async (request, reply, payload: unknown) => {
    if (!cookieMode(request) || reply.statusCode >= 300) return payload;
    if (!payload || typeof payload !== 'object' || !('refreshToken' in payload)) return payload;
    const { refreshToken, ...rest } = payload as { refreshToken: unknown };
    if (typeof refreshToken !== 'string') return payload;
    setCookie(reply, refreshToken, maxAgeS, secure);
    return rest;
  };
  // Signing out, or a refresh that failed, ends the browser's session too.
  const endSession: onSendAsyncHookHandler = async (request, reply, payload) => {
    if (!cookieMode(request)) return payload;
    const url = request.routeOptions.url;
    const signedOut =
      (url === '/api/auth/logout' || url === '/api/auth/logout-all') && reply.statusCode < 300;
    const refused = url === '/api/auth/refresh' && reply.statusCode >= 400 && reply.statusCode < 500;
    if (signedOut || refused) setCookie(reply, '', 0, secure);
    return payload;
  };
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith(COOKIE_PATH)) return;
    route.preValidation = [...asArray(route.preValidation), cookieAsBody];
    route.preSerialization = [...asArray(route.preSerialization), tokenToCookie];
    route.onSend = [...asArray(route.onSend), endSession];
  });
}
