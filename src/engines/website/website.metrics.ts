import { enginesOf, type WebsitePart } from './website-part.ts';

/**
 * The website engine's metric catalog, built from its parts so it names exactly what this build can
 * report. `<key>_score` and the re-exported `<key>_<metric>` are present only when that part ran and
 * reported them (docs/ENGINES.md says so); the others are always present.
 */
export function websiteMetrics(parts: WebsitePart[]): Record<string, string> {
  const out: Record<string, string> = {
    score:
      'Combined score, 0-100: weighted mean of the part scores (renormalised over the parts that scored)',
    parts_completed: 'Parts that ran and returned a result (count)',
    parts_failed: 'Parts that ran and failed (count)',
    parts_skipped: 'Parts this machine could not run, e.g. without Chromium (count)',
    findings_critical: 'Critical findings over every part (count)',
    findings_high: 'High findings over every part (count)',
  };
  for (const part of parts) {
    out[`${part.key}_score`] = `Score of the ${part.key} part, 0-100 (when it ran and scored)`;
    for (const metric of part.headline ?? []) {
      const sources = enginesOf(part).filter((e) => e.metrics?.[metric] !== undefined);
      if (sources.length === 0)
        throw new Error(`website part ${part.key}: no engine of it reports ${metric}`);
      const meaning = sources.map((e) => `${e.name}: ${e.metrics![metric]}`).join('; ');
      out[`${part.key}_${metric}`] = `The ${part.key} part's ${metric} (when reported) — ${meaning}`;
    }
  }
  return out;
}
