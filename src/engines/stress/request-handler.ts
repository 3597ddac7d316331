import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';

/** Where a request's outcome goes (the load generator's counters and histogram). */
export interface LoadRecorder {
  response(status: number, latencyMs: number): void;
  bytes(count: number): void;
  error(err: Error): void;
}

const noop = () => undefined;

/**
 * An undici dispatch handler that one virtual user re-arms for each of its requests, so the hot loop
 * allocates no closures per request. It implements undici's native (legacy) handler methods: undici 7
 * wraps the newer onResponse* API into these and parses every header block on the way, work the load
 * loop does not need (the gain was not separable from noise on the shared bench machine; if a later
 * undici drops these methods, switch to onRequestStart/onResponse*).
 */
export class RequestHandler implements Dispatcher.DispatchHandler {
  private began = 0;
  private status = 0;
  private done: (ok: boolean) => void = noop;

  constructor(private readonly recorder: LoadRecorder) {}

  /** Prepares the handler for the next request; `done` runs once it ends. */
  arm(done: (ok: boolean) => void): this {
    this.began = performance.now();
    this.status = 0;
    this.done = done;
    return this;
  }

  onConnect(): void {}

  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.recorder.bytes(chunk.length);
    return true;
  }

  onComplete(): void {
    this.recorder.response(this.status, performance.now() - this.began);
    this.done(true);
  }

  onError(err: Error): void {
    this.recorder.error(err);
    this.done(false);
  }
}
