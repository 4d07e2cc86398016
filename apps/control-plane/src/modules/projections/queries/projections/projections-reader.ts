import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PgEventStore } from '@mammoth/event-store';
import { KafkaEventBus } from '@mammoth/events';
import { ClusterState } from '../../../../infra/cluster-state';
import { ProjectionModel } from '../../projection.model';

interface RunnerRow {
  name: string;
  kind: 'kafka' | 'log';
  sources: string[];
  position: string;
  parked: number;
  waiting: number;
  blocked_streams: number;
  first_error: string | null;
  first_stream: string | null;
}

/** KAFKA_ANSWER_MS bounds how long the query waits for Kafka's end offsets before it shows the lag as unknown. */
const KAFKA_ANSWER_MS = 3000;

/**
 * ProjectionsReader tells how every consumer of the log stands: the projector's projections (from projection_runners,
 * their stored offsets or positions and their dead letters, with the topics' ends from Kafka) and this process's
 * cluster cache.
 */
@Injectable()
export class ProjectionsReader {
  constructor(
    private readonly pool: Pool,
    private readonly store: PgEventStore,
    private readonly bus: KafkaEventBus,
    private readonly cluster: ClusterState,
  ) {}

  async projections(): Promise<ProjectionModel[]> {
    const r = await this.pool.query<RunnerRow>(
      `SELECT r.name, r.kind, r.sources,
              CASE WHEN r.kind = 'log'
                   THEN COALESCE((SELECT position FROM projection_positions p WHERE p.projection = r.name), 0)::text
                   ELSE COALESCE((SELECT sum(next_offset) FROM projection_offsets o WHERE o.projection = r.name), 0)::text
              END AS position,
              count(d.id) FILTER (WHERE d.status = 'parked')::int AS parked,
              count(d.id) FILTER (WHERE d.status = 'waiting')::int AS waiting,
              count(DISTINCT d.stream_id) FILTER (WHERE d.status = 'parked')::int AS blocked_streams,
              (array_agg(d.error ORDER BY d.id) FILTER (WHERE d.status = 'parked'))[1] AS first_error,
              (array_agg(d.stream_id ORDER BY d.id) FILTER (WHERE d.status = 'parked'))[1] AS first_stream
         FROM projection_runners r LEFT JOIN projection_dead_letters d ON d.projection = r.name
        GROUP BY r.name, r.kind, r.sources ORDER BY r.name`,
    );
    const kafkaLag = await this.kafkaLag(r.rows.filter((x) => x.kind === 'kafka'));
    const out: ProjectionModel[] = [];
    for (const row of r.rows) {
      const lag = row.kind === 'log' ? await this.logLag(BigInt(row.position), row.sources) : kafkaLag.get(row.name);
      const blocked = row.parked > 0;
      out.push({
        name: row.name,
        kind: row.kind,
        position: row.position,
        lag: typeof lag === 'number' ? lag : undefined,
        status: !blocked ? 'running' : row.kind === 'log' ? 'stopped' : 'blocked',
        error: blocked
          ? `${row.blocked_streams} stream(s) blocked, first ${row.first_stream}: ${row.first_error}`
          : typeof lag === 'string'
            ? lag
            : undefined,
        parked: row.parked,
        waiting: row.waiting,
      });
    }
    out.push(await this.cache());
    return out;
  }

  /** cache is this control-plane process's node cache (cluster-state), which folds the log's node streams. */
  private async cache(): Promise<ProjectionModel> {
    const { position, poisoned } = this.cluster.status();
    const lag = await this.store.countAfter(position.toString(), { streamPrefix: 'node-' });
    const first = poisoned[0];
    return {
      name: 'control-plane.cluster-state',
      kind: 'cache',
      position: position.toString(),
      lag,
      status: first ? 'blocked' : 'running',
      error: first ? `${poisoned.length} stream(s) left out, first ${first.streamId}: ${first.error}` : undefined,
      parked: poisoned.length,
      waiting: 0,
    };
  }

  private logLag(position: bigint, types: string[]): Promise<number> {
    return this.store.countAfter(position.toString(), { types });
  }

  /** kafkaLag sums, per projection, how far each partition's end is past its stored offset; an error says why it cannot. */
  private async kafkaLag(rows: readonly RunnerRow[]): Promise<Map<string, number | string>> {
    const out = new Map<string, number | string>();
    if (rows.length === 0) return out;
    let ends: Map<string, bigint>;
    try {
      ends = await within(this.bus.topicEnds([...new Set(rows.flatMap((x) => x.sources))]), KAFKA_ANSWER_MS);
    } catch (err) {
      for (const row of rows) out.set(row.name, `lag unknown: Kafka does not answer (${(err as Error).message})`);
      return out;
    }
    const stored = await this.pool.query<{ projection: string; tp: string; next_offset: string }>(
      `SELECT projection, topic || '/' || partition AS tp, next_offset FROM projection_offsets
        WHERE projection = ANY($1::text[])`,
      [rows.map((x) => x.name)],
    );
    const at = new Map(stored.rows.map((x) => [`${x.projection} ${x.tp}`, BigInt(x.next_offset)]));
    for (const row of rows) {
      let lag = 0n;
      for (const [tp, end] of ends) {
        if (!row.sources.includes(tp.slice(0, tp.lastIndexOf('/')))) continue;
        const next = at.get(`${row.name} ${tp}`) ?? 0n;
        if (end > next) lag += end - next;
      }
      out.set(row.name, Number(lag));
    }
    return out;
  }
}

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))),
  ]);
}
