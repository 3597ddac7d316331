/**
 * Live progress from Lighthouse's status log. Lighthouse announces each step on lighthouse-logger's
 * process-wide emitter ("Navigating to …", "Getting artifact: …", "Auditing: …"); the engine maps them to
 * a few phases, each a band of the run's share of the bar.
 */
export type Phase = 'starting' | 'loading' | 'gathering' | 'auditing' | 'reporting';

const PHASES: Phase[] = ['starting', 'loading', 'gathering', 'auditing', 'reporting'];

/** Where each phase starts within one run (0–1). Loading the page is most of a run's wall time. */
const PHASE_START: Record<Phase, number> = {
  starting: 0,
  loading: 0.1,
  gathering: 0.65,
  auditing: 0.8,
  reporting: 0.97,
};

const MESSAGES: Record<Phase, string> = {
  starting: 'Starting Chromium',
  loading: 'Loading the page',
  gathering: 'Collecting page data',
  auditing: 'Running audits',
  reporting: 'Writing the report',
};

/** The share of the bar the runs take; the rest is the engine's own work after the last run. */
const RUNS_SHARE = 95;

/** The phase a Lighthouse status message starts, or null for a message inside the current phase. */
export function phaseOf(message: string): Phase | null {
  // Lighthouse first navigates to about:blank; only the navigation to the page itself is the load.
  if (message.startsWith('Navigating to ') && !message.startsWith('Navigating to about:')) return 'loading';
  if (message.startsWith('Getting artifact: ')) return 'gathering';
  if (message === 'Audit phase' || message.startsWith('Auditing: ')) return 'auditing';
  if (message.startsWith('Generating results')) return 'reporting';
  return null;
}

/** The bar's percentage at the start of `phase` in run `run` (0-based) of `runs`. */
export function percentOf(run: number, runs: number, phase: Phase): number {
  return Math.round(((run + PHASE_START[phase]) / runs) * RUNS_SHARE);
}

export function messageOf(run: number, runs: number, phase: Phase): string {
  return runs > 1 ? `Run ${run + 1} of ${runs}: ${MESSAGES[phase].toLowerCase()}` : MESSAGES[phase];
}

/**
 * Reports each phase of one run once and in order: Lighthouse logs hundreds of statuses per run, and a
 * late message of an earlier phase (an artifact computed while auditing) must not move the bar back.
 */
export function phaseTracker(
  run: number,
  runs: number,
  report: (percent: number, message: string) => void,
): (phase: Phase) => void {
  let reached = -1;
  return (phase) => {
    const index = PHASES.indexOf(phase);
    if (index <= reached) return;
    reached = index;
    report(percentOf(run, runs, phase), messageOf(run, runs, phase));
  };
}
