import type { EngineContext } from '../engine.ts';
import type { BrowserPool } from './browser-pool.types.ts';

function isPool(value: unknown): value is BrowserPool {
  const pool = value as Partial<BrowserPool> | null | undefined;
  return !!pool && typeof pool.withSession === 'function' && typeof pool.availability === 'function';
}

/**
 * The context's Chromium pool, typed (the contract keeps `ctx.browser` `unknown` so engine.ts imports
 * nothing). Also takes an EngineEnvironment, for an engine's `availability(env)`.
 */
export function browserOf(ctx: Pick<EngineContext<unknown>, 'browser'>): BrowserPool {
  if (!isPool(ctx.browser))
    throw new Error('engine context has no browser pool (the app was built without one)');
  return ctx.browser;
}
