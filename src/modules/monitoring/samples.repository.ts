import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { InstanceRole } from '../../shared/db/schema.ts';
import type { PlatformSample } from '../../shared/events/index.ts';
import { METRIC_NAMES, SAMPLE_METRICS, type SampleMetric } from './sample-catalog.ts';

/** What a heartbeat says about its process (monitoring_instances). */
export interface InstanceInfo {
  id: string;
  role: InstanceRole;
  host: string;
  pid: number;
  version: string;
  startedAt: number;
  concurrency: number;
  running: number;
}

export interface SeriesQuery {
  metric: SampleMetric;
  fromMs: number;
  toMs: number;
  stepMs: number;
  instanceId?: string;
}

const COLUMNS = METRIC_NAMES.map((m) => SAMPLE_METRICS[m].column);
const col = (name: string) => sql.ref(name);
const iso = (ms: number) => new Date(ms).toISOString();

/** A minute row merged with another part of the same minute: weighted mean or maximum (nulls ignored). */
function merge(column: string, overTime: 'avg' | 'max'): RawBuilder<unknown> {
  const old = sql.ref(`platform_samples.${column}`);
  const add = sql.ref(`excluded.${column}`);
  if (overTime === 'max') return sql`GREATEST(${old}, ${add})`;
  const n = sql.ref('platform_samples.sample_count');
  const m = sql.ref('excluded.sample_count');
  return sql`COALESCE((${old} * ${n} + ${add} * ${m}) / (${n} + ${m}), ${old}, ${add})`;
}

/** SQL of platform_samples (and the heartbeat that travels with each sample). */
export function createSamplesRepository(db: Kysely<DB>) {
  return {
    /**
     * The heartbeat and the sample in one statement (one round trip, one write per process per interval):
     * upserts the instance (re-registering it if its row was pruned) and inserts the sample.
     */
    async record(instance: InstanceInfo, sample: PlatformSample): Promise<void> {
      const values = METRIC_NAMES.map((m) => sql`${sample[m]}::double precision`);
      await sql`
        WITH heartbeat AS (
          INSERT INTO monitoring_instances (id, role, host, pid, version, started_at, last_heartbeat, concurrency, running)
          VALUES (${instance.id}, ${instance.role}, ${instance.host}, ${instance.pid}, ${instance.version},
            ${iso(instance.startedAt)}, ${sample.at}, ${instance.concurrency}, ${instance.running})
          ON CONFLICT (id) DO UPDATE SET role = EXCLUDED.role, last_heartbeat = EXCLUDED.last_heartbeat,
            concurrency = EXCLUDED.concurrency, running = EXCLUDED.running, stopped_at = NULL
          RETURNING id
        )
        INSERT INTO platform_samples (instance_id, role, sampled_at, ${sql.join(COLUMNS.map(col))})
        SELECT id, ${instance.role}, ${sample.at}::timestamptz, ${sql.join(values)} FROM heartbeat`.execute(
        db,
      );
    },

    /** The newest raw sample of each instance taken at or after `sinceMs`. */
    async latest(sinceMs: number): Promise<PlatformSample[]> {
      const { rows } = await sql<Record<string, unknown>>`
        SELECT DISTINCT ON (instance_id) * FROM platform_samples
        WHERE resolution = 'raw' AND sampled_at >= ${iso(sinceMs)}::timestamptz
        ORDER BY instance_id, sampled_at DESC LIMIT 1000`.execute(db);
      return rows.map(toSample);
    },

    /**
     * One point per step: each instance's rows in the step combined over time (weighted by how many raw
     * samples a row stands for), then the instances combined. Steps without data are left out.
     */
    async series(q: SeriesQuery): Promise<Array<{ t: number; value: number }>> {
      const spec = SAMPLE_METRICS[q.metric];
      const c = col(spec.column);
      const overTime =
        spec.overTime === 'max' ? sql`max(${c})` : sql`sum(${c} * sample_count) / sum(sample_count)`;
      const across = sql.raw(spec.acrossInstances);
      const { rows } = await sql<{ bucket: number; value: number }>`
        SELECT bucket, ${across}(v) AS value FROM (
          SELECT instance_id,
            floor((extract(epoch FROM sampled_at) * 1000 - ${q.fromMs}::double precision) / ${q.stepMs}::double precision)::integer AS bucket,
            ${overTime} AS v
          FROM platform_samples
          WHERE sampled_at >= ${iso(q.fromMs)}::timestamptz AND sampled_at < ${iso(q.toMs)}::timestamptz
            AND ${c} IS NOT NULL ${q.instanceId ? sql`AND instance_id = ${q.instanceId}` : sql``}
          GROUP BY instance_id, bucket
        ) per_instance
        GROUP BY bucket ORDER BY bucket`.execute(db);
      return rows.map((r) => ({ t: q.fromMs + Number(r.bucket) * q.stepMs, value: Number(r.value) }));
    },

    /**
     * Folds up to `batch` raw rows older than `beforeMs` into one row per instance per minute. A minute
     * split across two batches merges into the row the first made (weighted by sample_count).
     */
    async downsample(beforeMs: number, batch: number, trx: Kysely<DB> = db): Promise<number> {
      const aggregates = METRIC_NAMES.map((m) => {
        const spec = SAMPLE_METRICS[m];
        return spec.overTime === 'max' ? sql`max(${col(spec.column)})` : sql`avg(${col(spec.column)})`;
      });
      const updates = METRIC_NAMES.map((m) => {
        const spec = SAMPLE_METRICS[m];
        return sql`${col(spec.column)} = ${merge(spec.column, spec.overTime)}`;
      });
      const { rows } = await sql<{ folded: number }>`
        WITH picked AS (
          SELECT instance_id, sampled_at FROM platform_samples
          WHERE resolution = 'raw' AND sampled_at < ${iso(beforeMs)}::timestamptz
          ORDER BY sampled_at LIMIT ${batch}
        ), gone AS (
          DELETE FROM platform_samples p USING picked
          WHERE p.resolution = 'raw' AND p.instance_id = picked.instance_id AND p.sampled_at = picked.sampled_at
          RETURNING p.*
        ), minutes AS (
          INSERT INTO platform_samples (instance_id, role, sampled_at, resolution, sample_count, ${sql.join(COLUMNS.map(col))})
          SELECT instance_id, max(role), date_trunc('minute', sampled_at), 'minute', count(*), ${sql.join(aggregates)}
          FROM gone GROUP BY instance_id, date_trunc('minute', sampled_at)
          ON CONFLICT (sampled_at, instance_id, resolution) DO UPDATE SET
            ${sql.join(updates)}, sample_count = platform_samples.sample_count + EXCLUDED.sample_count
        )
        SELECT count(*)::integer AS folded FROM gone`.execute(trx);
      return rows[0]?.folded ?? 0;
    },

    /** Deletes up to `batch` samples (of either resolution) older than `beforeMs`; returns how many. */
    async expire(beforeMs: number, batch: number, trx: Kysely<DB> = db): Promise<number> {
      const result = await sql`
        DELETE FROM platform_samples WHERE (sampled_at, instance_id, resolution) IN (
          SELECT sampled_at, instance_id, resolution FROM platform_samples
          WHERE sampled_at < ${iso(beforeMs)}::timestamptz ORDER BY sampled_at LIMIT ${batch})`.execute(trx);
      return Number(result.numAffectedRows ?? 0);
    },
  };
}

export type SamplesRepository = ReturnType<typeof createSamplesRepository>;

function toSample(row: Record<string, unknown>): PlatformSample {
  const figures = Object.fromEntries(
    METRIC_NAMES.map((m) => {
      const v = row[SAMPLE_METRICS[m].column];
      return [m, v === null || v === undefined ? null : Number(v)];
    }),
  ) as Record<SampleMetric, number | null>;
  return {
    instanceId: String(row.instance_id),
    role: row.role as InstanceRole,
    at: new Date(row.sampled_at as string | Date).toISOString(),
    ...figures,
  };
}
