import type { LighthouseOptions, Throttling } from './lighthouse.options.ts';

/** What the engine reads of `lighthouse/core/config/constants.js` (imported lazily with Lighthouse). */
export interface LighthouseConstants {
  throttling: { mobileSlow4G: object };
  screenEmulationMetrics: { mobile: object };
  userAgents: { mobile: string };
}

/** `lighthouse/core/config/desktop-config.js`'s default export: Lighthouse's desktop preset. */
export interface DesktopConfig {
  settings?: Record<string, unknown>;
}

const METHOD: Record<Throttling, 'simulate' | 'devtools' | 'provided'> = {
  simulate: 'simulate',
  devtools: 'devtools',
  // "provided": Lighthouse applies no throttling and takes the conditions as they are.
  none: 'provided',
};

/** Lighthouse waits at most 30 s for a first paint by default; never longer than the load timeout. */
const MAX_WAIT_FOR_FCP_MS = 30_000;

/** The form factor's preset exactly as Lighthouse ships it (screen, user agent, throttling constants). */
export function presetOf(
  formFactor: LighthouseOptions['formFactor'],
  constants: LighthouseConstants,
  desktop: DesktopConfig,
): Record<string, unknown> {
  if (formFactor === 'desktop') return { ...desktop.settings, formFactor: 'desktop' };
  return {
    formFactor: 'mobile',
    throttling: constants.throttling.mobileSlow4G,
    screenEmulation: constants.screenEmulationMetrics.mobile,
    emulatedUserAgent: constants.userAgents.mobile,
  };
}

/** The flags and config of one Lighthouse run for these options, against Chromium on `port`. */
export function lighthouseSettings(
  options: LighthouseOptions,
  port: number,
  constants: LighthouseConstants,
  desktop: DesktopConfig,
) {
  const flags = {
    port,
    output: ['json', 'html'] as Array<'json' | 'html'>,
    // Lighthouse logs through `debug` to stderr; the engine reports through progress and the result.
    logLevel: 'silent' as const,
    maxWaitForLoad: options.timeoutMs,
    maxWaitForFcp: Math.min(MAX_WAIT_FOR_FCP_MS, options.timeoutMs),
    ...(options.headers && Object.keys(options.headers).length ? { extraHeaders: options.headers } : {}),
  };
  const config = {
    extends: 'lighthouse:default' as const,
    settings: {
      ...presetOf(options.formFactor, constants, desktop),
      throttlingMethod: METHOD[options.throttling],
      onlyCategories: [...options.categories],
    },
  };
  return { flags, config };
}
