import type { LighthouseOptions } from './lighthouse.options.ts';
import type { Phase } from './lighthouse-progress.ts';

/** What the main thread hands a Lighthouse worker (workerData). Plain data: it crosses a thread boundary. */
export interface LighthouseJob {
  url: string;
  options: LighthouseOptions;
  /** The DevTools port of the session's Chromium. */
  port: number;
}

/** A phase of the run has started (each phase once, in order). */
export interface PhaseMessage {
  type: 'phase';
  phase: Phase;
}

/** Lighthouse finished: its JSON and HTML reports and the browser it ran in. */
export interface DoneMessage {
  type: 'done';
  json: string;
  html: string;
  hostProduct: string | null;
}

/** Lighthouse threw (a protocol timeout, a lost connection): no result. */
export interface FailedMessage {
  type: 'failed';
  message: string;
  code: string | null;
}

export type WorkerMessage = PhaseMessage | DoneMessage | FailedMessage;
