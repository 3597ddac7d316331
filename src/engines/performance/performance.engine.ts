import { TargetRefusedError, type OutboundResponse } from '../../shared/outbound/index.ts';
import type { EngineContext, EngineResult, TestEngine } from '../engine.ts';
import { median, outboundOf, round } from '../shared/outbound-of.ts';
import { cachePolicy, isCompressible, MIN_COMPRESSIBLE_BYTES } from './caching.ts';
import { PERFORMANCE_METRICS } from './performance.metrics.ts';
import { extractResources } from './page-resources.ts';
import { findings, score, scoreBreakdown, type PageFacts } from './performance-score.ts';
import { PerformanceOptions } from './performance.options.ts';
import { fetchResources, type FetchedResource } from './resource-fetcher.ts';

type Ctx = EngineContext<PerformanceOptions>;
const PHASES = ['dnsMs', 'connectMs', 'tlsMs', 'ttfbMs', 'downloadMs', 'redirectMs', 'totalMs'] as const;

async function loadDocument(ctx: Ctx): Promise<OutboundResponse[]> {
  const http = outboundOf(ctx);
  const runs: OutboundResponse[] = [];
  for (let i = 0; i < ctx.options.runs; i++) {
    ctx.progress(
      Math.round((i / ctx.options.runs) * 50),
      `Loading the page (run ${i + 1} of ${ctx.options.runs})`,
    );
    try {
      runs.push(
        await http.request(ctx.url, {
          measure: true,
          signal: ctx.signal,
          timeoutMs: ctx.options.timeoutMs,
          insecureTls: ctx.options.insecureTls,
          headers: ctx.options.headers,
        }),
      );
    } catch (err) {
      ctx.signal.throwIfAborted();
      if (err instanceof TargetRefusedError) throw err;
      throw new Error(`Could not load the page: ${(err as Error).message}`, { cause: err });
    }
  }
  return runs;
}

function phaseMedians(runs: OutboundResponse[]): Record<(typeof PHASES)[number], number> {
  const out = {} as Record<(typeof PHASES)[number], number>;
  for (const p of PHASES) out[p] = round(median(runs.map((r) => r.timings[p])), 2);
  return out;
}

async function loadResources(
  ctx: Ctx,
  doc: OutboundResponse,
): Promise<{ resources: FetchedResource[]; skipped: number }> {
  const isHtml = /html/i.test(doc.headers['content-type'] ?? '');
  if (!ctx.options.fetchResources || !isHtml || doc.status >= 400) return { resources: [], skipped: 0 };
  const refs = extractResources(doc.body.toString('utf8'), doc.url);
  ctx.progress(55, `Fetching ${Math.min(refs.length, ctx.options.maxResources)} subresources`);
  return fetchResources(refs, {
    http: outboundOf(ctx),
    signal: ctx.signal,
    concurrency: ctx.options.concurrency,
    maxResources: ctx.options.maxResources,
    timeoutMs: ctx.options.timeoutMs,
    insecureTls: ctx.options.insecureTls,
    onDone: (done, total) =>
      ctx.progress(
        55 + Math.round((done / Math.max(total, 1)) * 40),
        `Fetched ${done} of ${total} subresources`,
      ),
  });
}

function documentDetails(doc: OutboundResponse, first: OutboundResponse) {
  const h = doc.headers;
  const policy = cachePolicy(h);
  return {
    requestedUrl: first.redirects[0]?.url ?? doc.url,
    finalUrl: doc.url,
    status: doc.status,
    httpVersion: doc.httpVersion,
    remoteAddress: doc.remoteAddress,
    redirects: doc.redirects,
    contentType: h['content-type'] ?? '',
    compression: doc.encoding || 'none',
    transferBytes: doc.transferBytes,
    bodyBytes: doc.body.length,
    truncated: doc.truncated,
    caching: {
      cacheControl: h['cache-control'] ?? null,
      expires: h.expires ?? null,
      etag: h.etag ?? null,
      lastModified: h['last-modified'] ?? null,
      vary: h.vary ?? null,
      freshnessSeconds: policy.freshnessSeconds,
    },
  };
}

type Phases = ReturnType<typeof phaseMedians>;

function pageFacts(doc: OutboundResponse, phases: Phases, resources: FetchedResource[]): PageFacts {
  return {
    url: doc.url,
    status: doc.status,
    ttfbMs: phases.ttfbMs,
    totalMs: phases.totalMs,
    pageWeightBytes: doc.transferBytes + resources.reduce((n, r) => n + r.transferBytes, 0),
    requestsTotal: 1 + doc.redirects.length + resources.length,
    redirects: doc.redirects.length,
    httpVersion: doc.httpVersion,
    documentCompressible:
      isCompressible(doc.headers['content-type']) && doc.body.length >= MIN_COMPRESSIBLE_BYTES,
    documentCompressed: doc.encoding !== '',
    documentFreshnessSeconds: cachePolicy(doc.headers).freshnessSeconds,
    resources,
  };
}

const uncachedOf = (resources: FetchedResource[]) =>
  resources.filter((r) => r.status > 0 && r.status < 400 && r.freshnessSeconds === 0);

/** The result metrics (stable names, documented in docs/ENGINES.md). */
function metricsOf(
  doc: OutboundResponse,
  phases: Phases,
  facts: PageFacts,
  total: number,
): Record<string, number> {
  const resources = facts.resources;
  return {
    score: total,
    dns_ms: phases.dnsMs,
    connect_ms: phases.connectMs,
    tls_ms: phases.tlsMs,
    ttfb_ms: phases.ttfbMs,
    download_ms: phases.downloadMs,
    redirect_ms: phases.redirectMs,
    total_ms: phases.totalMs,
    status_code: doc.status,
    redirect_count: doc.redirects.length,
    document_transfer_bytes: doc.transferBytes,
    document_bytes: doc.body.length,
    page_weight_bytes: facts.pageWeightBytes,
    page_weight_uncompressed_bytes: doc.body.length + resources.reduce((n, r) => n + r.bodyBytes, 0),
    requests_total: facts.requestsTotal,
    resources_total: resources.length,
    resources_failed: resources.filter((r) => r.status === 0 || r.status >= 400).length,
    uncompressed_text_resources: resources.filter((r) => r.uncompressedText).length,
    uncached_resources: uncachedOf(resources).length,
  };
}

async function run(ctx: Ctx): Promise<EngineResult> {
  const runs = await loadDocument(ctx);
  const doc = runs[runs.length - 1]!;
  const phases = phaseMedians(runs);
  const { resources, skipped } = await loadResources(ctx, doc);
  ctx.progress(97, 'Scoring');
  const facts = pageFacts(doc, phases, resources);
  const total = score(facts);
  const weightByType: Record<string, number> = {};
  for (const r of resources) weightByType[r.type] = (weightByType[r.type] ?? 0) + r.transferBytes;
  return {
    score: total,
    summary: `HTTP ${doc.status}, TTFB ${Math.round(phases.ttfbMs)} ms, ${facts.requestsTotal} requests, ${(facts.pageWeightBytes / 1024).toFixed(0)} KiB; score ${total}/100`,
    metrics: metricsOf(doc, phases, facts, total),
    findings: findings(facts),
    details: {
      document: documentDetails(doc, runs[0]!),
      runs: runs.map((r) => Object.fromEntries(PHASES.map((p) => [p, round(r.timings[p], 2)]))),
      scoreBreakdown: Object.fromEntries(
        Object.entries(scoreBreakdown(facts)).map(([k, v]) => [k, round(v, 1)]),
      ),
      weightByType,
      largestResources: [...resources].sort((a, b) => b.transferBytes - a.transferBytes).slice(0, 10),
      uncompressedTextResources: resources.filter((r) => r.uncompressedText).map((r) => r.url),
      uncachedResources: uncachedOf(resources).map((r) => r.url),
      resources,
      resourcesSkipped: skipped,
    },
  };
}

/** Page performance: timing phases of the document (median of runs) and the weight of its resources. */
export const performanceEngine: TestEngine<typeof PerformanceOptions> = {
  name: 'performance',
  description: 'HTTP timing phases, page weight, resources, compression and caching of one page',
  options: PerformanceOptions,
  metrics: PERFORMANCE_METRICS,
  run,
};
