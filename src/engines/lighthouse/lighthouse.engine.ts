/**
 * The lighthouse engine: Google Lighthouse 12 (as a library) on a fresh Chromium from the pool, one
 * session per run as LHCI does, the median run reported.
 *
 * Why its own engine and not `performance` with a browser mode: the two measure different things with
 * different costs. `performance` times the document over HTTP and weighs its resources in well under a
 * second, without Chromium, on any machine; Lighthouse loads the page in a browser (5–30 s and a few
 * hundred MB per run) and reports paint and interactivity metrics, category scores and audits. As one
 * type, a test's metric set, option set, availability and cost would all depend on a mode flag: alert
 * rules are validated against one stable metric catalog per type, `GET /api/engines` reports availability
 * per type, and the HTTP engine must keep working where Chromium is absent.
 */
import { browserOf, type BrowserPool } from '../browser/index.ts';
import type {
  EngineArtifact,
  EngineContext,
  EngineEnvironment,
  EngineResult,
  TestEngine,
} from '../engine.ts';
import { filmstripOf, finalScreenshotOf, reportArtifacts } from './lighthouse-artifacts.ts';
import { auditFindings, blockedFinding } from './lighthouse-findings.ts';
import { phaseTracker } from './lighthouse-progress.ts';
import { auditErrors, metricsOf, runLine, summaryOf, trimmedAudits } from './lighthouse-result.ts';
import { LIGHTHOUSE_METRICS } from './lighthouse.metrics.ts';
import { LighthouseOptions } from './lighthouse.options.ts';
import { categoryScore, type Lhr } from './lhr.ts';
import { medianRunIndex } from './median-run.ts';
import { runLighthouse, type LighthouseRun } from './run-lighthouse.ts';
import { uniqueBlocked, unmeasuredError } from './run-errors.ts';

type Ctx = EngineContext<LighthouseOptions>;
type MeasuredRun = LighthouseRun & { wallMs: number };

async function measure(ctx: Ctx, pool: BrowserPool, i: number): Promise<MeasuredRun> {
  const track = phaseTracker(i, ctx.options.runs, ctx.progress);
  track('starting');
  const started = performance.now();
  let run: LighthouseRun;
  try {
    run = await pool.withSession(ctx.signal, (session) =>
      runLighthouse(session, {
        url: ctx.url,
        options: ctx.options,
        signal: ctx.signal,
        onPhase: track,
      }),
    );
  } catch (err) {
    ctx.signal.throwIfAborted();
    throw err;
  }
  const failure = unmeasuredError(run, ctx.url);
  if (failure) throw failure;
  track('reporting');
  return { ...run, wallMs: performance.now() - started };
}

function artifactsOf(run: MeasuredRun): { files: EngineArtifact[]; filmstrip: unknown[] } {
  const reports = reportArtifacts(run.json, run.html);
  const screenshot = finalScreenshotOf(run.lhr);
  const film = filmstripOf(run.lhr);
  return {
    files: [...reports.html, ...(screenshot ? [screenshot] : []), ...film.artifacts, ...reports.json],
    filmstrip: film.frames,
  };
}

function detailsOf(ctx: Ctx, runs: MeasuredRun[], chosen: number, filmstrip: unknown[]) {
  const run = runs[chosen]!;
  const lhr: Lhr = run.lhr;
  return {
    requestedUrl: lhr.requestedUrl ?? ctx.url,
    finalUrl: lhr.finalDisplayedUrl,
    mainDocumentUrl: lhr.mainDocumentUrl ?? null,
    lighthouseVersion: lhr.lighthouseVersion,
    chromiumVersion: run.chromiumVersion,
    config: {
      categories: ctx.options.categories,
      formFactor: ctx.options.formFactor,
      throttling: ctx.options.throttling,
      timeoutMs: ctx.options.timeoutMs,
    },
    medianRun: chosen,
    runs: runs.map((r, i) => runLine(r.lhr, i, r)),
    categories: Object.values(lhr.categories).map((c) => ({
      id: c.id,
      title: c.title,
      score: categoryScore(lhr, c.id) ?? null,
    })),
    audits: trimmedAudits(lhr),
    auditErrors: auditErrors(lhr),
    runWarnings: lhr.runWarnings ?? [],
    filmstrip,
    blocked: uniqueBlocked(runs.map((r) => r.blocked)),
  };
}

function resultOf(ctx: Ctx, runs: MeasuredRun[]): EngineResult {
  const lhrs = runs.map((r) => r.lhr);
  const chosen = medianRunIndex(lhrs);
  const blocked = uniqueBlocked(runs.map((r) => r.blocked));
  const metrics = metricsOf(lhrs, chosen, runs, blocked.length);
  const { files, filmstrip } = artifactsOf(runs[chosen]!);
  return {
    ...(metrics.score !== undefined ? { score: metrics.score } : {}),
    summary: summaryOf(metrics, lhrs[chosen]!, runs.length),
    metrics,
    findings: [...auditFindings(lhrs[chosen]!), ...blocked.map(blockedFinding)],
    details: detailsOf(ctx, runs, chosen, filmstrip),
    artifacts: files,
  };
}

async function run(ctx: Ctx): Promise<EngineResult> {
  const pool = browserOf(ctx);
  const runs: MeasuredRun[] = [];
  for (let i = 0; i < ctx.options.runs; i++) runs.push(await measure(ctx, pool, i));
  ctx.progress(97, runs.length > 1 ? 'Choosing the median run' : 'Preparing the result');
  return resultOf(ctx, runs);
}

function availability(env: EngineEnvironment) {
  try {
    return browserOf(env).availability();
  } catch {
    return { available: false as const, reason: 'This TestWeb was started without a browser pool.' };
  }
}

/** Lighthouse's category scores, Web Vitals and audits of one page, the median of `runs` runs. */
export const lighthouseEngine: TestEngine<typeof LighthouseOptions> = {
  name: 'lighthouse',
  description:
    'Google Lighthouse in Chromium: performance, accessibility, best-practices and SEO scores, Web Vitals, audits and the HTML report',
  options: LighthouseOptions,
  metrics: LIGHTHOUSE_METRICS,
  availability,
  run,
};
