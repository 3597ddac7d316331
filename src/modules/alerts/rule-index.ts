import picomatch from 'picomatch';
import type { RuleRow } from './alert-rule.repository.ts';

/** A test result as scopes match it. */
export interface ResultKey {
  type: string;
  url: string;
  scheduleId: string | null;
  tags: readonly string[];
}

interface Compiled {
  row: RuleRow;
  glob: ((url: string) => boolean) | null;
}

/** An exact URL as the test-runs module stores it (`new URL().toString()`), so `https://a.example` matches. */
function normalized(url: string): string {
  try {
    return new URL(url).toString();
  } catch {
    return url;
  }
}

/**
 * One owner's active test rules, compiled: rules whose URL scope is a plain URL are found by a map
 * lookup, globs are matched with their compiled picomatch function, and rules without a URL scope are
 * checked against every result. The rest of the scope (test type, schedule, tags) is a comparison.
 */
/** The key of one series of one rule in a hot set. */
export const seriesKeyOf = (ruleId: string, seriesKey: string) => `${ruleId}\u0000${seriesKey}`;

export function compileOwnerRules(rows: RuleRow[], hot: Set<string> = new Set()) {
  const exact = new Map<string, Compiled[]>();
  const globs: Compiled[] = [];
  const anyUrl: Compiled[] = [];
  for (const row of rows) {
    const pattern = row.scope_url_glob;
    if (pattern === null) anyUrl.push({ row, glob: null });
    else if (!picomatch.scan(pattern).isGlob) {
      const key = normalized(pattern);
      exact.set(key, [...(exact.get(key) ?? []), { row, glob: null }]);
    } else globs.push({ row, glob: picomatch(pattern, { dot: true }) });
  }
  const fits = (c: Compiled, r: ResultKey) =>
    (c.row.scope_test_type === null || c.row.scope_test_type === r.type) &&
    (c.row.scope_schedule_id === null || c.row.scope_schedule_id === r.scheduleId) &&
    (c.row.scope_tags ?? []).every((t) => r.tags.includes(t));
  return {
    size: rows.length,
    /**
     * The owner's series that are not ok (pending or firing), loaded with the rules and kept up to date
     * by the evaluator: a healthy result needs the database only for these.
     */
    hot,
    match(r: ResultKey): RuleRow[] {
      const out: RuleRow[] = [];
      for (const c of exact.get(r.url) ?? []) if (fits(c, r)) out.push(c.row);
      for (const c of globs) if (c.glob!(r.url) && fits(c, r)) out.push(c.row);
      for (const c of anyUrl) if (fits(c, r)) out.push(c.row);
      return out;
    },
  };
}

export type OwnerRules = ReturnType<typeof compileOwnerRules>;

type HotRow = { rule_id: string; series_key: string };
const hotSet = (rows: HotRow[]) => new Set(rows.map((r) => seriesKeyOf(r.rule_id, r.series_key)));

export interface PlatformRules {
  rules: RuleRow[];
  hot: Set<string>;
}

export interface RuleIndexDeps {
  loadOwner(userId: string): Promise<RuleRow[]>;
  loadPlatform(): Promise<RuleRow[]>;
  /** The series of the owner's (or the platform's) rules that are not ok. */
  loadHot(userId: string | null): Promise<HotRow[]>;
  /** Owners kept compiled at once (least recently used dropped first). */
  maxOwners?: number;
  /** A compiled owner is reloaded after this long even without a change event (a lost event heals). */
  maxAgeMs?: number;
  clock?: () => number;
}

/**
 * The in-process index of active rules, per owner, loaded on the owner's first result and dropped when
 * AlertRulesChanged says their rules changed (in every process, through the event bus), or
 * AlertSeriesChanged that another process moved one of their series into or out of ok. Evaluating a
 * result is then a map lookup plus the owner's glob rules, never a scan of alert_rules, and a healthy
 * result of series that are all ok touches no table.
 */
export function createRuleIndex(deps: RuleIndexDeps) {
  const maxOwners = deps.maxOwners ?? 10_000;
  const maxAgeMs = deps.maxAgeMs ?? 300_000;
  const clock = deps.clock ?? Date.now;
  const owners = new Map<string, { at: number; rules: Promise<OwnerRules> }>();
  let platform: { at: number; rules: Promise<PlatformRules> } | null = null;

  const fresh = (at: number) => clock() - at < maxAgeMs;

  return {
    forOwner(userId: string): Promise<OwnerRules> {
      const hit = owners.get(userId);
      if (hit && fresh(hit.at)) {
        owners.delete(userId);
        owners.set(userId, hit);
        return hit.rules;
      }
      const rules = Promise.all([deps.loadOwner(userId), deps.loadHot(userId)]).then(([rows, hot]) =>
        compileOwnerRules(rows, hotSet(hot)),
      );
      const entry = { at: clock(), rules };
      owners.set(userId, entry);
      // A failed load is not kept: the next result tries again.
      rules.catch(() => owners.get(userId) === entry && owners.delete(userId));
      while (owners.size > maxOwners) owners.delete(owners.keys().next().value!);
      return rules;
    },
    platformRules(): Promise<PlatformRules> {
      if (platform && fresh(platform.at)) return platform.rules;
      const loaded = Promise.all([deps.loadPlatform(), deps.loadHot(null)]);
      const entry = { at: clock(), rules: loaded.then(([rules, hot]) => ({ rules, hot: hotSet(hot) })) };
      platform = entry;
      entry.rules.catch(() => platform === entry && (platform = null));
      return entry.rules;
    },
    invalidate(userId: string, isPlatform: boolean): void {
      owners.delete(userId);
      if (isPlatform) platform = null;
    },
  };
}

export type RuleIndex = ReturnType<typeof createRuleIndex>;
