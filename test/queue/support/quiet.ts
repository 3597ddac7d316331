/**
 * Waiting for something *not* to happen, with deadlines: a value that stops changing, a condition that
 * keeps holding. (Queue suites only for now; candidates for test/support/wait.ts.)
 */

/**
 * Polls `read` until its value has not changed for `quietMs`, and returns it with the time it last
 * changed (or, if it never changed, when polling began). Throws if it is still changing after `timeoutMs`.
 */
export async function waitForQuiet<T>(
  read: () => T | Promise<T>,
  quietMs: number,
  timeoutMs = 15_000,
  what = 'the value to stop changing',
  intervalMs = 20,
): Promise<{ value: T; lastChangeAt: number }> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  let lastChangeAt = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, intervalMs));
    const next = await read();
    const now = Date.now();
    if (JSON.stringify(next) !== JSON.stringify(value)) {
      value = next;
      lastChangeAt = now;
    } else if (now - lastChangeAt >= quietMs) {
      return { value, lastChangeAt };
    }
    if (now > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what} (last change ${now - lastChangeAt} ms ago)`,
      );
  }
}

/** Checks `check` every `intervalMs` for `forMs`; throws at the first time it is false, saying what broke. */
export async function expectToHold(
  check: () => boolean | Promise<boolean>,
  forMs: number,
  what: string,
  intervalMs = 25,
): Promise<void> {
  const until = Date.now() + forMs;
  while (Date.now() < until) {
    if (!(await check()))
      throw new Error(
        `expected ${what} to hold for ${forMs} ms; it stopped holding after ${forMs - (until - Date.now())} ms`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  if (!(await check())) throw new Error(`expected ${what} to hold for ${forMs} ms`);
}
