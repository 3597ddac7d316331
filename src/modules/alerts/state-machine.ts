import type { AlertSeriesState } from '../../shared/db/index.ts';
import type { RuleRow } from './alert-rule.repository.ts';

/** A series' row of alert_states, as the state machine reads and writes it. */
export interface SeriesState {
  state: AlertSeriesState;
  breaching_count: number;
  healthy_count: number;
  last_value: number | null;
  last_event_id: string | null;
  last_evaluated_at: Date | null;
  alert_id: string | null;
  last_fired_at: Date | null;
  last_notified_at: Date | null;
  next_reminder_at: Date | null;
}

export interface Transition {
  next: SeriesState;
  /** A firing episode starts: write its alert_history row (and put its id in `next.alert_id`). */
  open: boolean;
  /** The episode `closes` (its history row) resolves. */
  closes: string | null;
  notice: 'alert.triggered' | 'alert.resolved' | null;
}

type Rule = Pick<
  RuleRow,
  'for_count' | 'resolve_count' | 'cooldown' | 'notify_on_resolve' | 'repeat_interval' | 'muted_until'
>;

export const isMuted = (rule: Pick<RuleRow, 'muted_until'>, now: Date) =>
  rule.muted_until !== null && now.getTime() < new Date(rule.muted_until).getTime();

const ms = (d: Date | null) => (d === null ? null : new Date(d).getTime());

/** Whether the current episode's firing was notified (not muted, not inside the cooldown). */
const episodeNotified = (s: SeriesState) =>
  s.last_notified_at !== null && s.last_fired_at !== null && ms(s.last_notified_at)! >= ms(s.last_fired_at)!;

function onBreach(rule: Rule, s: SeriesState, base: SeriesState, now: Date): Transition {
  const next = { ...base, breaching_count: s.breaching_count + 1, healthy_count: 0 };
  if (s.state === 'firing') return { next, open: false, closes: null, notice: null };
  if (next.breaching_count < rule.for_count)
    return { next: { ...next, state: 'pending' }, open: false, closes: null, notice: null };
  // No second firing notice within the cooldown of the last one (a flapping series), nor while muted.
  const lastNotice = ms(s.last_notified_at);
  const cooling = lastNotice !== null && now.getTime() - lastNotice < rule.cooldown * 1000;
  const notify = !cooling && !isMuted(rule, now);
  const reminder = rule.repeat_interval ? new Date(now.getTime() + rule.repeat_interval * 1000) : null;
  return {
    next: {
      ...next,
      state: 'firing',
      last_fired_at: now,
      last_notified_at: notify ? now : s.last_notified_at,
      next_reminder_at: reminder,
    },
    open: true,
    closes: null,
    notice: notify ? 'alert.triggered' : null,
  };
}

function onHealthy(rule: Rule, s: SeriesState, base: SeriesState, now: Date): Transition {
  const next = { ...base, breaching_count: 0, healthy_count: s.healthy_count + 1 };
  if (s.state !== 'firing')
    return { next: { ...next, state: 'ok' }, open: false, closes: null, notice: null };
  if (next.healthy_count < rule.resolve_count) return { next, open: false, closes: null, notice: null };
  // A resolve is told only for an episode whose firing was told.
  const notify = rule.notify_on_resolve && episodeNotified(s) && !isMuted(rule, now);
  return {
    next: { ...next, state: 'ok', alert_id: null, next_reminder_at: null },
    open: false,
    closes: s.alert_id,
    notice: notify ? 'alert.resolved' : null,
  };
}

/**
 * One evaluation of one series: ok → pending (breaching, fewer than for_count times in a row) →
 * firing (for_count breaches in a row) → ok (resolve_count healthy results in a row). A breach from
 * pending below for_count stays pending; a healthy result from pending goes back to ok silently. Returns
 * null for the event the series saw last (a second evaluation of one event is a no-op).
 */
export function step(
  rule: Rule,
  s: SeriesState,
  breach: boolean,
  value: number | null,
  eventId: string,
  now: Date,
): Transition | null {
  if (s.last_event_id === eventId) return null;
  const base: SeriesState = { ...s, last_value: value, last_event_id: eventId, last_evaluated_at: now };
  return breach ? onBreach(rule, s, base, now) : onHealthy(rule, s, base, now);
}

export const INITIAL_STATE: SeriesState = {
  state: 'ok',
  breaching_count: 0,
  healthy_count: 0,
  last_value: null,
  last_event_id: null,
  last_evaluated_at: null,
  alert_id: null,
  last_fired_at: null,
  last_notified_at: null,
  next_reminder_at: null,
};
