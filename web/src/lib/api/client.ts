import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { ApiError, type ProblemBody } from './problem';
import { session } from '../auth/session-store';

/**
 * The one API client: typed from the OpenAPI document (schema.d.ts, `npm run web:api`), so components
 * never write a URL or a response type by hand. It adds the in-memory access token, and on a 401 refreshes
 * the session once (the HttpOnly cookie) and repeats the request.
 */
export const api = createClient<paths>({ baseUrl: window.location.origin });

const originals = new Map<string, Request>();

const auth: Middleware = {
  onRequest({ request, id }) {
    const token = session.accessToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    if (!request.url.includes('/api/auth/refresh')) originals.set(id, request.clone());
    return request;
  },
  async onResponse({ response, id }) {
    const original = originals.get(id);
    originals.delete(id);
    if (response.status !== 401 || !original || !session.accessToken()) return response;
    const token = await session.refresh();
    if (!token) return response;
    original.headers.set('authorization', `Bearer ${token}`);
    return fetch(original);
  },
  onError({ id }) {
    originals.delete(id);
  },
};
api.use(auth);

type Result<T> = { data?: T; error?: unknown; response: Response };

/**
 * The data of a call, or an ApiError carrying its problem+json. Use inside TanStack Query functions:
 * `queryFn: () => call(api.GET('/api/tests', { params: { query } }))`.
 */
export async function call<T>(request: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await request;
  if (!response.ok || error !== undefined) {
    const problem: ProblemBody =
      error && typeof error === 'object' ? (error as ProblemBody) : { detail: response.statusText };
    throw new ApiError(response.status, problem);
  }
  return data as T;
}
