/** An RFC 9457 problem+json answer of the API, as every 4xx/5xx carries one. */
export interface ProblemBody {
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  /** Field errors of a 400: `field` is a JSON pointer such as `/body/options/users`. */
  errors?: Array<{ field: string; message: string }>;
  requestId?: string;
}

/** A failed API call: thrown by `call()` so TanStack Query sees an error it can show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemBody,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
  get code(): string | undefined {
    return this.problem.code;
  }
  /**
   * Field errors keyed by their path below `prefix` (`/body/options/users` → `users` for
   * prefix `/body/options/`), for mapping a 400 onto a form's inputs.
   */
  fieldErrors(prefix = '/body/'): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      if (e.field.startsWith(prefix)) out[e.field.slice(prefix.length)] ??= e.message;
    }
    return out;
  }
}

export function isApiError(e: unknown, status?: number): e is ApiError {
  return e instanceof ApiError && (status === undefined || e.status === status);
}
