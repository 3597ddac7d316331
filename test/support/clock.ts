/** A clock a suite moves: `offsetMs` is added to the real time (a module's `now` option). */
export interface TestClock {
  offsetMs: number;
  now(): number;
}

export function testClock(): TestClock {
  const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };
  return clock;
}
