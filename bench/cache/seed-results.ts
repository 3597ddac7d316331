import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/shared/db/index.ts';

const BATCH = 500;

/** A result shaped like a performance test's: a dozen metrics, a few findings, some details. */
export function sampleResult(i: number) {
  return {
    passed: i % 7 !== 0,
    score: 50 + (i % 50),
    summary: `Performance audit of https://site-${i}.example/ (3 runs)`,
    metrics: {
      ttfb_ms: 80 + (i % 400),
      dns_ms: 3,
      connect_ms: 12,
      tls_ms: 25,
      download_ms: 40,
      total_ms: 300 + (i % 900),
      page_weight_bytes: 1_200_000 + i,
      requests_total: 42,
      compressed_ratio: 0.31,
      cache_hit_ratio: 0.6,
    },
    findings: [
      {
        severity: 'medium',
        title: 'Images not compressed',
        detail: '6 images could be 240 KB smaller',
        recommendation: 'Serve WebP/AVIF and compress at build time',
      },
      {
        severity: 'low',
        title: 'No long-lived caching',
        detail: '12 static resources have max-age under 1 day',
        recommendation: 'Use immutable, fingerprinted assets with max-age=31536000',
      },
      {
        severity: 'info',
        title: 'HTTP/2 in use',
        detail: 'All requests used h2',
        recommendation: 'Nothing to do',
      },
    ],
    details: {
      runs: 3,
      userAgent: 'TestWeb/0.1',
      phases: { dns: 3, connect: 12, tls: 25, ttfb: 80, download: 40 },
    },
  };
}

/** Inserts `count` completed tests owned by `userId`, each with a stored result; returns their test ids. */
export async function seedResults(db: Kysely<DB>, userId: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  for (let i = 0; i < count; i += BATCH) {
    const slice = ids.slice(i, i + BATCH);
    await db
      .insertInto('test_queue')
      .values(
        slice.map((testId, j) => ({
          test_id: testId,
          test_type: 'performance',
          config: '{}',
          url: `https://site-${i + j}.example/`,
          status: 'completed' as const,
          user_id: userId,
          progress: 100,
          completed_at: new Date(),
        })),
      )
      .execute();
    await db
      .insertInto('test_results')
      .values(
        slice.map((testId, j) => {
          const r = sampleResult(i + j);
          return {
            test_id: testId,
            passed: r.passed,
            score: r.score,
            summary: r.summary,
            metrics: JSON.stringify(r.metrics),
            findings: JSON.stringify(r.findings),
            details: JSON.stringify(r.details),
          };
        }),
      )
      .execute();
  }
  return ids;
}
