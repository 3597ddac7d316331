export * from './errors.ts';
export { Problem, problemType } from './problem.ts';
export {
  answerClientError,
  answerFrameworkError,
  registerErrorHandler,
  type NotFoundFallback,
} from './error-handler.ts';
export { findUnstorableText, registerTextGuard } from './text-input.ts';
export { registerSecurityHeaders, securityHeaders } from './security-headers.ts';
export { createValidatorCompiler } from './validation.ts';
export { currentUser, type AuthUser, type AccessLevel, type Role } from './auth-context.ts';
export { problems, Uuid } from './schemas.ts';
export { decodeCursor, encodeCursor } from './cursor.ts';
export { readCookie } from './cookies.ts';
