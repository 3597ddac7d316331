export { createBrowserPool, type BrowserPoolSettings } from './browser-pool.ts';
export { browserOf } from './browser-of.ts';
export { BrowserCrashedError, BrowserSessionTimeoutError } from './browser-errors.ts';
export type {
  BlockedRequest,
  BrowserAvailability,
  BrowserPool,
  BrowserSession,
} from './browser-pool.types.ts';
